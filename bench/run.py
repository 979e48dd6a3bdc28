"""`make bench`: the portal at national size, on PostgreSQL, judged against baselines
measured in the same run.

1. Data: the national data set in portal_bench (bench/national.py; reused while the
   generator, its sizes, the migrations and the day are unchanged) and a tenth of it in
   portal_bench_tenth.
2. Pages (bench/pages.py): gunicorn with production settings, every page side by side with
   the admin's changelists and /healthz; requests per second, p95, ratios, query counts at
   1× (the tenth) and 10× (the nation). The action items export apart: its first byte
   through gunicorn, its memory at 1× and 10×.
3. Write costs (bench/writes.py): a 9-session series, a reschedule and a new team member
   for 8 and 40 teams, rolled back.
4. The claim (bench/claim.py): 100,000 due ledger rows in portal_bench_claim, against a bare
   UPDATE of the same rows.
Each target is printed as "met" or "NOT met". The exit status is 1 only when a page could
not be loaded (an error, a redirect): a target not met is a finding, not a failure.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench python bench/run.py
    --smoke: tiny data in portal_bench_smoke*, one round of 0.5s (seconds overall)
"""

import argparse
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny data, one short round")
    parser.add_argument("--rounds", type=int, help="rounds of every page (3; smoke 1)")
    parser.add_argument("--seconds", type=float, help="load per page per round (3; smoke 0.5)")
    parser.add_argument("--warmup", type=float, help="warm-up per page (1; smoke 0)")
    parser.add_argument("--workers", type=int, help="gunicorn sync workers (4; smoke 2)")
    parser.add_argument("--connections", type=int, help="concurrent requests (16; smoke 4)")
    parser.add_argument("--load", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--teams", help="team counts for the write costs (8,40; smoke 2,4)")
    parser.add_argument("--due", type=int, help="due ledger rows to claim (100000)")
    parser.add_argument("--history", type=int, help="sent ledger rows beside them (200000)")
    parser.add_argument("--sizes", help="claim batch sizes (200,1000,5000,10000)")
    parser.add_argument("--repeat", type=int, help="claim runs, best of (3; smoke 1)")
    parser.add_argument(
        "--only",
        choices=["claim", "pages"],
        help="run one part: the claim, or the pages (with their data; no write costs, no claim)",
    )
    args = parser.parse_args()
    defaults = (
        dict(rounds=1, seconds=0.5, warmup=0, workers=2, connections=4, teams="2,4",
             due=2000, history=2000, sizes="200,1000", repeat=1)
        if args.smoke
        else dict(rounds=3, seconds=3, warmup=1, workers=4, connections=16, teams="8,40",
                  due=100_000, history=200_000, sizes="200,1000,5000,10000", repeat=3)
    )  # fmt: skip
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    return args


def production_environment(url, work):
    """What the bench process and gunicorn run with: production settings, on 127.0.0.1
    without HTTPS, no second factor asked of the bench's staff login, and a broker in
    memory (the bench's writes are rolled back; nothing is sent). Everything else — such as
    CONN_MAX_AGE — comes from the environment, as in production."""
    return {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "STAFF_REQUIRE_MFA": "0",
        "STATIC_ROOT": str(work / "static"),
        "CELERY_BROKER_URL": "memory://localhost/",
        "LOG_LEVEL": "WARNING",
    }


def main():
    args = parse_args()
    from bench import db

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/run.py measures PostgreSQL: set DATABASE_URL to a postgres:// URL.")
    national_name = db.name_of(base) + ("_smoke" if args.smoke else "")
    work = ROOT / "var" / national_name
    work.mkdir(parents=True, exist_ok=True)
    os.environ.update(production_environment(db.url_for(base, national_name), work))

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from bench import national, pages, writes

    with db.connected_to("postgres"):
        connection.ensure_connection()
        version = connection.pg_version // 10000
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    commit = subprocess.run(  # noqa: S603
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 (git from the PATH)
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(
        f"PostgreSQL {version}, {os.cpu_count()} CPUs, load average {load}; commit "
        f"{commit or '?'}; DEBUG={settings.DEBUG}, "
        f"CONN_MAX_AGE={settings.DATABASES['default']['CONN_MAX_AGE']}"
    )
    if args.only == "claim":
        report_targets(run_claim(args, base, national_name))
        return
    call_command("collectstatic", interactive=False, verbosity=0)
    large, small = (national.NATIONAL, national.TENTH)
    if args.smoke:
        large, small = (national.SMOKE, national.SMOKE_TENTH)
    national.ensure_national(base, national_name, large, "National data (10×)")
    national.ensure_national(base, f"{national_name}_tenth", small, "A tenth of it (1×)")

    def export_of(visits):
        return next(visit for visit in visits if visit.page == pages.EXPORT)

    with db.connected_to(f"{national_name}_tenth"), pages.logged_in() as visits:
        small_counts = pages.count_queries(visits)
        small_export = pages.stream_in_process(export_of(visits))
    loader_name, loader = pages.choose_loader(args.load, args.seconds)
    with pages.logged_in() as visits:
        large_counts = pages.count_queries(visits)
        large_export = pages.stream_in_process(export_of(visits))
        with pages.gunicorn(os.environ.copy(), args.workers, work / "gunicorn.log") as server:
            results = pages.measure(
                server.base, visits, rounds=args.rounds, seconds=args.seconds,
                warmup=args.warmup, connections=args.connections, loader=loader,
            )  # fmt: skip
            downloads = [pages.download(server, export_of(visits)) for _run in range(2)]
    page_targets, failed = pages.report(
        results, small_counts, large_counts,
        title=f"Pages at national size: gunicorn {args.workers} sync workers, {loader_name} "
        f"with {args.connections} connections, {args.rounds} round(s) of {args.seconds:g}s a "
        "page; medians of the rounds",
    )  # fmt: skip
    page_targets += pages.report_export(small_export, large_export, downloads)
    failed += [f"{pages.EXPORT.label}: {one.error}" for one in downloads if one.error][:1]

    write_targets, claim_targets = [], []
    if args.only != "pages":
        small, large = (int(n) for n in args.teams.split(","))
        write_targets = writes.run((small, large))
        claim_targets = run_claim(args, base, national_name)

    report_targets([*page_targets, *write_targets, *claim_targets])
    if failed:
        sys.exit(f"\n{len(failed)} page(s) could not be loaded: see FAILED above.")


def run_claim(args, base, national_name):
    from bench import claim

    return claim.run(
        base, f"{national_name}_claim", due=args.due, history=args.history,
        sizes=[int(n) for n in args.sizes.split(",")], repeat=args.repeat,
    )  # fmt: skip


def report_targets(targets):
    print("\nTargets")
    for target in targets:
        print(target)


if __name__ == "__main__":
    main()
