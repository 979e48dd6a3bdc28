"""The programs the portal starts with (DOMAIN.md). A data migration creates them; the demo
seed makes sure they exist too (tests that flush the database remove them)."""

PROGRAMS = [
    {
        "name": "Operationalizing Equity",
        "short_name": "OE",
        "summary": (
            "A six-month collective experience for Alliance state grantees to operationalize "
            "strategies that center racial justice, equity, diversity and inclusion in their "
            "work. Each organisation brings a team of three leaders, including the executive "
            "director; teams assess where they are, build a state workplan, and get customised "
            "support from the planning-team partners."
        ),
        "learning_goals": (
            "Understand where each state group is in its racial justice, equity, diversity and "
            "inclusion journey, and develop a workplan for state-specific work.\n"
            "Deepen relationships within the cohort through facilitated sessions.\n"
            "Gain skills and tools to center racial justice, equity, diversity and inclusion in "
            "policy pursuits.\n"
            "Build shared language, meaningful allyship and authentic partnership.\n"
            "Engage broad audiences on racial justice, equity, diversity and inclusion.\n"
            "Take practical skills and strategies back to full state teams."
        ),
        "months": 6,
        "session_count": 6,
        "min_organisations": 6,
        "max_organisations": 8,
        "team_size": 3,
        "required_roles": ["executive_director"],
        "checkin_every_months": 3,
        "checkin_count": 4,
    },
    {
        "name": "Centering Parent and Practitioner Power Community of Practice",
        "short_name": "CPPP",
        "summary": (
            "A nine-month community of practice, with nine co-facilitated learning sessions, "
            "for state advocacy organisations to build authentic and impactful partnerships "
            "with parents and practitioners, rooted in lived experience, racial equity and "
            "shared power."
        ),
        "learning_goals": (
            "Personal and interpersonal awareness: reflect on your own and others' racial "
            "socialization and its impact on approaches to advocacy.\n"
            "Critical awareness of the racial contexts, histories, policies and practices "
            "inherent in the systems that affect young children, families and practitioners.\n"
            "A path toward power sharing, authentic and reciprocal engagement, and action."
        ),
        "months": 9,
        "session_count": 9,
        "min_organisations": 4,
        "max_organisations": 12,
        "team_size": 2,
        "required_roles": [],
        "checkin_every_months": 3,
        "checkin_count": 2,
    },
]


def ensure_programs(program_model):
    """Create the starting programs where missing; never overwrite a staff member's edits."""
    for values in PROGRAMS:
        program_model.objects.get_or_create(name=values["name"], defaults=values)
