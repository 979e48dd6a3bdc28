"""What state teams write in their workplans, self-assessments and requests for help: the
words of the demo seed and of the bench's national data (drawn from the programs' own
pages: centering racial equity in early childhood policy, data, community voice, power
sharing, communications)."""

from cohorts.choices import FocusArea
from workplans.choices import GoalFocus

# (title, description, focus area, action items)
GOALS = [
    (
        "Disaggregate our child care data by race, ethnicity and language",
        "Know which families our state's child care assistance reaches and misses, and say "
        "so in every brief we publish.",
        GoalFocus.DATA,
        [
            "Inventory the state data sets we cite and how each records race and language",
            "Request subsidy enrollment by race and county from the state agency",
            "Work with our data partner on small-number suppression rules",
            "Draft a one-page data brief on who is left out of child care assistance",
            "Review the brief with two parent leaders before publishing",
            "Add a data equity checklist to our publication process",
        ],
    ),
    (
        "Center parent and practitioner voice in our policy agenda",
        "Families and early educators most affected by our policy positions help set them, "
        "and are paid for their time.",
        GoalFocus.COMMUNITY,
        [
            "Recruit a paid parent and provider advisory group of eight",
            "Offer Spanish and Navajo interpretation at every advisory meeting",
            "Co-design the 2027 legislative priorities with the advisory group",
            "Set a stipend and childcare policy for community partners",
            "Hold listening sessions in three rural counties",
            "Report back to families what changed because of their input",
        ],
    ),
    (
        "Embed racial equity in our organisation's policies and practices",
        "Our hiring, contracting and decision-making reflect the equity commitments we ask "
        "of the state.",
        GoalFocus.POLICY,
        [
            "Complete an equity review of our personnel handbook",
            "Adopt an equity lens tool for every policy position we take",
            "Publish pay bands for every role",
            "Set a goal for contracts with BIPOC-led vendors",
            "Train the board on the racial equity impact assessment",
        ],
    ),
    (
        "Build shared language on racial justice across our team and board",
        "Staff and board can name structural racism in early childhood systems and talk "
        "about it with one voice.",
        GoalFocus.LEADERSHIP,
        [
            "Hold a monthly learning circle on the history of child care policy",
            "Agree on a glossary of equity terms for staff and board",
            "Each team member writes a racial socialization reflection",
            "Bring the cohort's session materials to the full staff retreat",
            "Add an equity reflection to every board meeting agenda",
        ],
    ),
    (
        "Share decision-making power with community partners",
        "Community partners decide with us, not after us: a seat at the table, a budget and "
        "a vote on the campaigns they help run.",
        GoalFocus.POWER,
        [
            "Map who decides each campaign choice today",
            "Give the advisory group a vote on our top three priorities",
            "Move a share of the campaign budget to community-led organizing",
            "Write a partnership agreement with two community organizations",
            "Review the power-sharing agreement after six months",
        ],
    ),
    (
        "Tell the story of racial disparities in early childhood so it moves policymakers",
        "Messages that name structural causes without feeding zero-sum thinking, tested "
        "with skeptical audiences.",
        GoalFocus.COMMUNICATIONS,
        [
            "Test three framings of child care disparities with our communications partner",
            "Train spokespeople, parents among them, on the tested messages",
            "Publish an op-ed co-written with a family child care provider",
            "Brief legislative staff on the disaggregated data",
            "Translate our fact sheets into Spanish and Vietnamese",
        ],
    ),
]

BLOCKED_REASONS = [
    "Waiting for the state agency to release enrollment data by race; our request has been "
    "pending since the spring.",
    "The board postponed the vote until after the budget session.",
    "We lost our interpreter contract and need a new one before we can schedule.",
    "Needs the communications partner's message testing first.",
]

NOTES = [
    "Started after the last learning session.",
    "Shared the draft with the team for comments.",
    "Done: the advisory group signed off.",
    "Moved back a month: the legislative session ran long.",
    "Picked up while our team lead is on leave.",
    "Finished ahead of the review.",
]

FACILITATOR_COMMENTS = [
    "Good progress. Who from the community is in the room when these decisions are made?",
    "Could the data partner help you with the small numbers in the rural counties?",
    "This is a strong goal. What would success look like at the end of the cohort?",
    "Consider pairing this with the advisory group's listening sessions.",
    "Let's talk about this blocker at the next office hour.",
]

TEAM_REPLIES = [
    "Thank you: we've added two parent leaders to the working group.",
    "Yes, we've asked Child Trends and will bring it to the next session.",
]

SUPPORT_NEEDS = [
    (
        FocusArea.DATA,
        "Help disaggregating our subsidy enrollment data by race, ethnicity and home "
        "language, with suppression rules for small counties.",
    ),
    (
        FocusArea.IMMIGRANT_REFUGEE,
        "Advice on reaching immigrant and refugee families who use informal child care, and "
        "on the public charge questions they raise.",
    ),
    (
        FocusArea.POLICY,
        "A review of our draft legislative priorities through a racial equity lens before "
        "the session starts.",
    ),
    (
        FocusArea.COMMUNICATIONS,
        "Message testing for our child care disparities brief with skeptical audiences.",
    ),
]

HELP_NOTES = [
    "Walked the team through the agency's data and drafted suppression rules together.",
    "Reviewed the priorities line by line and sent written comments.",
]

RATING_NOTES = [
    "We talk about equity but have not changed how we decide.",
    "Some practices in place; not yet consistent across the team.",
    "Written into our policies, and we check ourselves against them.",
    "Led by the communities most affected, and we share what we learn.",
]
