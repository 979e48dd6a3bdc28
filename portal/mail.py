"""The demo's mail: each message its own file under var/mail/, one that a mail program opens.

Django's file backend writes one file per connection, several messages in each, separated
by a line of dashes; the ledger sends a batch over one connection, so one file would hold
a batch of messages to different people.
"""

import re
import secrets
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend
from django.utils import timezone


class OneFilePerMessage(EmailBackend):
    """`<UTC time>-<first recipient>-<random>.eml` per message: its headers, text and HTML
    parts and attachments, as sent."""

    def open(self):
        return False  # no file per connection: send_messages writes one per message

    def close(self):
        pass

    def send_messages(self, email_messages):
        folder = Path(self.file_path)
        for message in email_messages:
            recipient = re.sub(r"[^\w.@+-]", "_", (message.to or ["nobody"])[0])
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            name = f"{stamp}-{recipient}-{secrets.token_hex(3)}.eml"
            (folder / name).write_bytes(message.message().as_bytes())
        return len(email_messages)
