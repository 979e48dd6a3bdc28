"""The self-assessment rubrics the starting programs come with (DOMAIN.md), as data: a data
migration creates them, and the demo seed can make sure they exist too. Staff edit them on the
rubric page afterwards; `ensure_rubrics` never overwrites those edits.

The words are data, as a program's own are: they are not marked for translation.
"""

OE_RUBRIC = {
    "program": "Operationalizing Equity",
    "title": "Operationalizing Equity self-assessment",
    "introduction": (
        "Where is your organisation on its racial justice, equity, diversity and inclusion "
        "journey? For each dimension, choose the level that describes your organisation as it "
        "is today, not as you hope it will be, and say why. There are no wrong answers: you "
        "take the same self-assessment at the end of the cohort to see how far you have come."
    ),
    "dimensions": [
        {
            "name": "Personal and interpersonal awareness",
            "description": (
                "How the team's leaders understand their own racial identity and socialization, "
                "and how it shapes their relationships and their advocacy."
            ),
            "levels": [
                "Staff rarely talk about race or identity; equity is seen as a topic for others.",
                "A few people reflect on their own identity and bias, mostly on their own time "
                "or at one-off trainings.",
                "Leaders regularly reflect together on how race and identity shape their work, "
                "and name it when it affects a decision.",
                "Reflection on identity, bias and power is part of how the team works every "
                "day; leaders model it and invite feedback, including from the communities "
                "they serve.",
            ],
        },
        {
            "name": "Organisational policies and practices",
            "description": (
                "Hiring, pay, promotion, board make-up, budgets and decision-making, seen "
                "through an equity lens."
            ),
            "levels": [
                "Policies and practices have not been reviewed for their effect on equity.",
                "Some policies have been reviewed (hiring, say), but changes are informal or "
                "depend on one champion.",
                "An equity review of policies is under way, with named owners, a timeline and "
                "changes adopted by leadership and the board.",
                "Equity is built into how policies are written, reviewed and funded, and the "
                "organisation reports publicly on its progress.",
            ],
        },
        {
            "name": "Data disaggregation",
            "description": (
                "Collecting, breaking down and communicating data by race, ethnicity, language "
                "and other factors, so disparities are seen and addressed."
            ),
            "levels": [
                "Data is reported as state totals; disparities are not visible in what we share.",
                "We disaggregate data when it is easy to find, mostly by race, without context "
                "on the causes.",
                "We routinely disaggregate by race, ethnicity and language, explain the "
                "structural causes behind gaps, and avoid deficit framing.",
                "Communities help decide which data is collected and how it is told; our data "
                "shapes policy asks and is shared back with those it describes.",
            ],
        },
        {
            "name": "Community and family voice",
            "description": (
                "How parents, families and practitioners, especially those most affected by a "
                "policy, shape the organisation's agenda."
            ),
            "levels": [
                "Families and practitioners are informed of our positions once they are set.",
                "We consult families and practitioners through surveys or listening sessions, "
                "and tell them what we heard.",
                "Families and practitioners take part in setting priorities, are paid for their "
                "time and expertise, and see how their input changed our work.",
                "Families and practitioners co-lead our advocacy: they hold seats where "
                "decisions are made and speak for themselves with policymakers.",
            ],
        },
        {
            "name": "Power sharing",
            "description": (
                "Who decides, who holds resources, and how authority is shared with "
                "communities and partners of colour."
            ),
            "levels": [
                "Decisions are made by a few senior leaders; partners are asked to sign on.",
                "We share some decisions with partners, but budgets and final say stay with us.",
                "Partners and community leaders share decisions on priorities and strategy, "
                "with clear agreements about roles and resources.",
                "Power and resources are shared by design: community-led partners hold budget "
                "and decision-making authority, and we follow their lead where it is theirs.",
            ],
        },
        {
            "name": "Communications",
            "description": (
                "How the organisation talks about race, equity and the people it works with, "
                "inside and to broad audiences."
            ),
            "levels": [
                "Our messages avoid naming race or racism; equity is mentioned in general terms.",
                "We name racial equity in some materials, but language is uneven and not "
                "checked with the communities we describe.",
                "We use shared, asset-based language about race and equity across our "
                "materials, tested with the communities we describe.",
                "We engage broad audiences on racial justice with confidence, counter zero-sum "
                "narratives, and amplify community voices in their own words.",
            ],
        },
    ],
}

CPPP_RUBRIC = {
    "program": "Centering Parent and Practitioner Power Community of Practice",
    "title": "Centering Parent and Practitioner Power self-assessment",
    "introduction": (
        "This self-assessment follows the community of practice's three learning goals. For "
        "each, choose the level that describes your organisation's practice today, and say "
        "why. You take it again at the end of the nine months."
    ),
    "dimensions": [
        {
            "name": "Personal and interpersonal awareness",
            "description": (
                "Reflecting on your own and others' racial socialization and its impact on "
                "approaches to advocacy."
            ),
            "levels": [
                "We have not yet talked as a team about our own racial socialization or how it "
                "shapes our advocacy.",
                "Some of us have begun to reflect on our racial socialization, mostly on our own.",
                "We reflect together, name how our backgrounds shape whose expertise we value, "
                "and adjust how we work with parents and practitioners.",
                "Ongoing reflection is part of our practice; we hold each other accountable and "
                "invite parents and practitioners to tell us how we show up.",
            ],
        },
        {
            "name": "Critical awareness of racial contexts",
            "description": (
                "Understanding the racial contexts, histories, policies and practices inherent "
                "in the systems that affect young children, families and practitioners."
            ),
            "levels": [
                "We look at early childhood policies mostly as they are today, without their "
                "history.",
                "We know some of the history behind the systems we work on, but it rarely "
                "shapes our analysis.",
                "We analyse how past and present policies created racial disparities for "
                "children, families and practitioners, and use it to choose our priorities.",
                "Our policy agenda sets out to undo structural racism, and parents and "
                "practitioners help us tell the history behind each issue.",
            ],
        },
        {
            "name": "Reciprocal engagement",
            "description": (
                "Authentic, two-way relationships with parents and practitioners, rooted in "
                "their lived experience."
            ),
            "levels": [
                "We reach out to parents and practitioners when we need a story or a testimony.",
                "We hold regular conversations with parents and practitioners, but we set the "
                "agenda.",
                "Relationships go both ways: parents and practitioners set parts of the agenda, "
                "are paid for their expertise, and hear back what changed.",
                "We shift from working on behalf of to leading in partnership with: parents and "
                "practitioners shape our work from the start and stay with it.",
            ],
        },
        {
            "name": "Power sharing and action",
            "description": (
                "A path toward sharing decisions and resources with parents and practitioners, "
                "and acting on it together."
            ),
            "levels": [
                "Decisions and resources stay with our staff and board.",
                "Parents and practitioners advise on some decisions; final say stays with us.",
                "Parents and practitioners share decisions on priorities and hold roles with "
                "real authority and resources.",
                "Parents and practitioners lead: they hold decision-making seats and budgets, "
                "and speak directly with policymakers with our support.",
            ],
        },
    ],
}

RUBRICS = [OE_RUBRIC, CPPP_RUBRIC]


def ensure_rubrics(program_model, rubric_model, dimension_model):
    """Give each starting program its rubric where it has none; never touch an existing one
    (staff may have edited it), nor a program that staff renamed or removed."""
    for values in RUBRICS:
        program = program_model.objects.filter(name=values["program"]).first()
        if program is None or rubric_model.objects.filter(program=program).exists():
            continue
        rubric = rubric_model.objects.create(
            program=program, title=values["title"], introduction=values["introduction"]
        )
        dimension_model.objects.bulk_create(
            dimension_model(
                rubric=rubric,
                position=position,
                name=dimension["name"],
                description=dimension["description"],
                **{f"level_{n}": text for n, text in enumerate(dimension["levels"], start=1)},
            )
            for position, dimension in enumerate(values["dimensions"])
        )
