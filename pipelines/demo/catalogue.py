"""The fixed vocabulary of the fictional company: portfolios, teams, roles, rates, accounts, names.

Kept apart from the simulation so the numbers that make the demo believable (rates, team mixes,
cost profiles) can be read and tuned in one place without touching any logic.
"""

from __future__ import annotations

from dataclasses import dataclass

CURRENCIES: tuple[str, ...] = ("USD", "EUR", "GBP")
REPORTING_CURRENCY = "USD"

# Average rate to USD in the as-of month; the fx module walks backwards from here.
FX_ANCHOR_TO_USD: dict[str, float] = {"USD": 1.0, "EUR": 1.085, "GBP": 1.268}

# Most of the company runs on dollars; the European entities book in EUR and GBP.
PROJECT_CURRENCY_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("USD", 0.7),
    ("EUR", 0.15),
    ("GBP", 0.15),
)


@dataclass(frozen=True)
class Portfolio:
    name: str
    programs: tuple[str, ...]
    sponsors: tuple[str, ...]
    project_bases: tuple[str, ...]
    # Which teams staff its projects, and how heavily (relative weights).
    team_mix: tuple[tuple[str, float], ...]
    # Non-labour spend as a share of labour, before per-project noise.
    non_labour_ratio: float
    # Relative weights of the non-labour cost items (see COST_ITEMS).
    cost_item_mix: tuple[tuple[str, float], ...]
    weight: float


PORTFOLIOS: tuple[Portfolio, ...] = (
    Portfolio(
        name="Digital Workplace",
        programs=("Modern Collaboration", "End-User Computing", "Workplace Services"),
        sponsors=("Helen Carter", "Rajesh Iyer"),
        project_bases=(
            "Microsoft 365 Migration",
            "Laptop Refresh",
            "Intranet Redesign",
            "Teams Telephony",
            "Meeting Room Upgrade",
            "Windows 11 Upgrade",
            "Self-Service Portal",
            "Digital Adoption Programme",
            "Mobile Device Management",
            "Print Consolidation",
            "Virtual Desktop Rollout",
            "Knowledge Base Overhaul",
            "Field Worker App",
            "Hybrid Working Enablement",
        ),
        team_mix=(
            ("Infrastructure", 3.0),
            ("Service Desk", 1.5),
            ("Application Development", 1.5),
            ("Business Analysis", 1.0),
            ("Platform Engineering", 1.0),
            ("Security", 0.5),
        ),
        non_labour_ratio=0.8,
        cost_item_mix=(
            ("licences", 3.0),
            ("hardware", 3.0),
            ("contractors", 2.0),
            ("consulting", 0.8),
            ("cloud", 0.7),
            ("training", 0.5),
            ("travel", 0.3),
        ),
        weight=1.0,
    ),
    Portfolio(
        name="Customer Platforms",
        programs=("Omnichannel Commerce", "CRM Transformation", "Mobile Experience"),
        sponsors=("Daniel Okafor", "Sophie Laurent", "Marcus Webb"),
        project_bases=(
            "CRM Replatforming",
            "Customer Portal",
            "Mobile App Relaunch",
            "Loyalty Platform",
            "Checkout Redesign",
            "Customer Identity Hub",
            "Contact Centre Modernisation",
            "Personalisation Engine",
            "Order Management Upgrade",
            "Chatbot Assistant",
            "Payments Gateway Migration",
            "Product Catalogue Service",
            "Customer Feedback Hub",
            "Marketing Automation",
        ),
        team_mix=(
            ("Application Development", 4.0),
            ("Business Analysis", 1.5),
            ("Platform Engineering", 1.2),
            ("Data Engineering", 0.7),
            ("Security", 0.4),
        ),
        non_labour_ratio=0.5,
        cost_item_mix=(
            ("contractors", 3.0),
            ("licences", 2.0),
            ("cloud", 2.0),
            ("consulting", 1.0),
            ("training", 0.3),
            ("travel", 0.3),
        ),
        weight=1.3,
    ),
    Portfolio(
        name="Data & Analytics",
        programs=("Enterprise Data Platform", "Analytics & BI", "AI & Machine Learning"),
        sponsors=("Priya Nair", "Thomas Becker"),
        project_bases=(
            "Data Lakehouse Build",
            "Master Data Management",
            "Self-Service BI",
            "Data Catalogue Rollout",
            "Demand Forecasting Model",
            "Customer 360 Analytics",
            "Finance Reporting Automation",
            "Data Quality Programme",
            "Streaming Data Pipeline",
            "ML Platform",
            "Regulatory Reporting Warehouse",
            "Churn Prediction",
            "Supply Chain Analytics",
            "Data Governance Tooling",
        ),
        team_mix=(
            ("Data Engineering", 4.0),
            ("Business Analysis", 1.5),
            ("Application Development", 1.0),
            ("Platform Engineering", 1.0),
            ("Security", 0.3),
        ),
        non_labour_ratio=0.5,
        cost_item_mix=(
            ("cloud", 3.0),
            ("licences", 2.0),
            ("contractors", 2.0),
            ("consulting", 1.2),
            ("training", 0.4),
            ("travel", 0.2),
        ),
        weight=1.1,
    ),
    Portfolio(
        name="Infrastructure & Cloud",
        programs=("Cloud Migration", "Network Modernisation", "Data Centre Exit"),
        sponsors=("Graham Fletcher", "Aisha Rahman"),
        project_bases=(
            "Data Centre Exit",
            "SD-WAN Rollout",
            "Kubernetes Platform",
            "Backup Modernisation",
            "Storage Refresh",
            "Landing Zone Build",
            "Mainframe Offload",
            "Network Core Refresh",
            "Disaster Recovery Upgrade",
            "Observability Platform",
            "Server Estate Patching",
            "Wi-Fi Refresh",
            "Cloud Cost Optimisation",
            "Infrastructure as Code",
        ),
        team_mix=(
            ("Infrastructure", 3.0),
            ("Platform Engineering", 3.0),
            ("Security", 1.0),
            ("Application Development", 0.5),
            ("Business Analysis", 0.4),
        ),
        non_labour_ratio=0.9,
        cost_item_mix=(
            ("cloud", 3.0),
            ("hardware", 3.0),
            ("contractors", 2.0),
            ("licences", 1.5),
            ("consulting", 1.0),
            ("travel", 0.3),
        ),
        weight=1.2,
    ),
    Portfolio(
        name="Security & Risk",
        programs=("Identity & Access", "Cyber Defence", "Governance, Risk & Compliance"),
        sponsors=("Elena Petrova", "Kwame Mensah"),
        project_bases=(
            "Zero Trust Rollout",
            "Privileged Access Management",
            "SIEM Replacement",
            "Multi-Factor Authentication",
            "Vulnerability Management",
            "Email Security Upgrade",
            "GRC Platform",
            "Endpoint Detection",
            "Security Awareness Programme",
            "Third-Party Risk Tooling",
            "Data Loss Prevention",
            "Identity Governance",
            "PCI DSS Remediation",
            "Cyber Resilience Testing",
        ),
        team_mix=(
            ("Security", 4.0),
            ("Infrastructure", 1.2),
            ("Platform Engineering", 0.8),
            ("Business Analysis", 0.8),
            ("Application Development", 0.6),
        ),
        non_labour_ratio=0.6,
        cost_item_mix=(
            ("licences", 3.5),
            ("consulting", 2.0),
            ("contractors", 1.5),
            ("cloud", 1.0),
            ("hardware", 0.5),
            ("training", 0.6),
        ),
        weight=0.8,
    ),
    Portfolio(
        name="ERP & Finance Systems",
        programs=("S/4HANA Migration", "Finance Transformation", "Procurement & Supply Chain"),
        sponsors=("Catherine Moore", "Luis Fernandez"),
        project_bases=(
            "S/4HANA Finance",
            "Procure-to-Pay Redesign",
            "Record-to-Report Automation",
            "Treasury Management System",
            "Expense Management",
            "Consolidation Tool",
            "Payroll Replacement",
            "Supplier Portal",
            "Fixed Asset Register",
            "E-Invoicing Compliance",
            "Inventory Optimisation",
            "Planning & Budgeting Tool",
            "Month-End Close Acceleration",
            "Tax Engine Upgrade",
        ),
        team_mix=(
            ("Application Development", 2.5),
            ("Business Analysis", 2.5),
            ("Data Engineering", 1.0),
            ("Platform Engineering", 0.5),
            ("Security", 0.3),
        ),
        non_labour_ratio=0.7,
        cost_item_mix=(
            ("consulting", 3.0),
            ("licences", 2.5),
            ("contractors", 2.5),
            ("cloud", 1.0),
            ("training", 0.8),
            ("travel", 0.5),
        ),
        weight=1.0,
    ),
)

PORTFOLIOS_BY_NAME: dict[str, Portfolio] = {p.name: p for p in PORTFOLIOS}

REGION_QUALIFIERS: tuple[str, ...] = (
    "EMEA",
    "North America",
    "APAC",
    "LATAM",
    "UK",
    "Germany",
    "France",
    "Nordics",
    "Global",
)
PHASE_QUALIFIERS: tuple[str, ...] = ("Phase 1", "Phase 2", "Phase 3", "Wave 2", "Pilot")

BUSINESS_UNITS: tuple[str, ...] = (
    "Group IT",
    "Sales & Marketing",
    "Operations",
    "Finance",
    "Human Resources",
    "Supply Chain",
    "Customer Service",
    "Legal & Compliance",
)
COST_CENTRES: dict[str, str] = {bu: f"CC-{1100 + 100 * i}" for i, bu in enumerate(BUSINESS_UNITS)}

STRATEGIC_THEMES: tuple[str, ...] = (
    "Customer Experience",
    "Operational Efficiency",
    "Cloud First",
    "Data-Driven Decisions",
    "Cyber Resilience",
    "Regulatory Compliance",
    "Future of Work",
    "Cost Optimisation",
)

# Category mix of the book of work, and each category's baseline duration range in weeks.
CATEGORY_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("Run", 0.35),
    ("Grow", 0.4),
    ("Transform", 0.25),
)
CATEGORY_DURATION_WEEKS: dict[str, tuple[int, int]] = {
    "Run": (10, 36),
    "Grow": (20, 60),
    "Transform": (36, 96),
}
# Share of a project's budget that finance capitalises, by category (uniform range).
CATEGORY_CAPEX_SHARE: dict[str, tuple[float, float]] = {
    "Run": (0.0, 0.25),
    "Grow": (0.3, 0.6),
    "Transform": (0.5, 0.8),
}
# Base team size range (people, including the project manager) by category.
CATEGORY_TEAM_SIZE: dict[str, tuple[int, int]] = {
    "Run": (2, 5),
    "Grow": (4, 8),
    "Transform": (6, 12),
}


@dataclass(frozen=True)
class Role:
    title: str
    usd_rate: float  # fully loaded cost per hour in USD before location factors
    weight: float  # how common the role is within its team


@dataclass(frozen=True)
class Team:
    name: str
    weight: float  # share of headcount
    project_share: float  # share of working time spent on projects when assigned to any
    # When, within a project's working span, this team's members are on it (fractions).
    span: tuple[float, float]
    roles: tuple[Role, ...]
    bau_activities: tuple[str, ...]
    project_activities: tuple[str, ...]


TEAMS: tuple[Team, ...] = (
    Team(
        "Application Development",
        0.25,
        0.8,
        (0.15, 1.0),
        (
            Role("Software Engineer", 78.0, 4.0),
            Role("Senior Software Engineer", 96.0, 3.0),
            Role("Tech Lead", 115.0, 1.2),
            Role("Engineering Manager", 128.0, 0.5),
        ),
        ("Production support", "Bug fixing", "Release support", "Code maintenance"),
        (
            "Sprint development",
            "Code review",
            "Build and unit testing",
            "Defect fixing",
            "Sprint planning, refinement",
            "Deployment",
        ),
    ),
    Team(
        "Platform Engineering",
        0.12,
        0.6,
        (0.1, 1.0),
        (
            Role("Platform Engineer", 88.0, 3.0),
            Role("Senior Platform Engineer", 106.0, 2.0),
            Role("Site Reliability Engineer", 102.0, 1.5),
        ),
        ("On-call follow-up", "Pipeline maintenance", "Platform upgrades", "Capacity reviews"),
        (
            "Environment build",
            "CI/CD pipeline setup",
            "Infrastructure as code",
            "Performance testing",
        ),
    ),
    Team(
        "Data Engineering",
        0.1,
        0.75,
        (0.15, 1.0),
        (
            Role("Data Engineer", 86.0, 3.0),
            Role("Senior Data Engineer", 104.0, 2.0),
            Role("Data Architect", 128.0, 0.7),
            Role("Data Analyst", 68.0, 1.5),
        ),
        ("Pipeline monitoring", "Data fixes", "Report requests", "Job failures"),
        ("Data modelling", "Pipeline development", "Data migration", "Data validation"),
    ),
    Team(
        "Infrastructure",
        0.12,
        0.45,
        (0.25, 1.0),
        (
            Role("Systems Engineer", 72.0, 3.0),
            Role("Network Engineer", 78.0, 2.0),
            Role("Cloud Engineer", 92.0, 2.0),
            Role("Infrastructure Manager", 112.0, 0.5),
        ),
        ("Patching", "Incident resolution", "Change implementation", "Monitoring, alerts"),
        ("Hardware installation", "Migration cutover", "Network configuration", "Build and test"),
    ),
    Team(
        "Service Desk",
        0.12,
        0.15,
        (0.75, 1.0),
        (
            Role("Service Desk Analyst", 42.0, 5.0),
            Role("Senior Service Desk Analyst", 52.0, 2.0),
            Role("Service Desk Lead", 62.0, 0.7),
        ),
        ("Incident queue", "Service requests", "Password resets", "Knowledge articles"),
        ("User acceptance testing", "Hypercare support", "Floor walking", "Training sessions"),
    ),
    Team(
        "Security",
        0.06,
        0.5,
        (0.1, 0.9),
        (
            Role("Security Analyst", 86.0, 3.0),
            Role("Security Engineer", 106.0, 2.0),
            Role("Security Architect", 136.0, 0.7),
        ),
        ("Alert triage", "Vulnerability remediation", "Access reviews", "Security advisories"),
        (
            "Threat modelling",
            "Security design review",
            "Penetration test follow-up",
            "Control implementation",
        ),
    ),
    Team(
        "Business Analysis",
        0.1,
        0.8,
        (0.0, 0.7),
        (
            Role("Business Analyst", 76.0, 3.0),
            Role("Senior Business Analyst", 92.0, 2.0),
            Role("Product Owner", 102.0, 1.0),
        ),
        ("Stakeholder queries", "Process documentation", "Change requests", "Reporting"),
        (
            "Requirements workshop",
            "Process mapping",
            "User stories",
            "Acceptance criteria",
            "Stakeholder interviews",
        ),
    ),
    Team(
        "PMO",
        0.08,
        0.85,
        (0.0, 1.0),
        (
            Role("Project Manager", 96.0, 4.0),
            Role("Senior Project Manager", 116.0, 2.0),
            Role("Programme Manager", 136.0, 0.8),
            Role("PMO Analyst", 62.0, 1.5),
        ),
        (
            "Portfolio reporting",
            "Governance, board packs",
            "Resource planning",
            "Process improvement",
        ),
        (
            "Status reporting",
            "Risk and issue management",
            "Steering committee",
            "Planning",
            "Vendor management",
        ),
    ),
)

TEAMS_BY_NAME: dict[str, Team] = {t.name: t for t in TEAMS}
PROJECT_MANAGER_ROLES: frozenset[str] = frozenset(
    {"Project Manager", "Senior Project Manager", "Programme Manager"}
)

ADMIN_ACTIVITIES: tuple[str, ...] = (
    "Team meeting",
    "Training",
    "1:1s",
    "All-hands",
    "Email and admin",
    "Performance review",
)

# Where people sit decides the currency HR pays them in, and a local rate level.
LOCATIONS: tuple[tuple[str, str, float, float], ...] = (
    # (location, currency, headcount weight, rate factor applied to the USD rate, in local money)
    ("New York", "USD", 0.3, 1.05),
    ("Austin", "USD", 0.25, 0.95),
    ("Toronto", "USD", 0.08, 0.85),
    ("London", "GBP", 0.14, 0.74),
    ("Manchester", "GBP", 0.06, 0.64),
    ("Dublin", "EUR", 0.07, 0.86),
    ("Amsterdam", "EUR", 0.05, 0.9),
    ("Berlin", "EUR", 0.05, 0.84),
)


@dataclass(frozen=True)
class CostItem:
    code: str
    capex_account: tuple[str, str]
    opex_account: tuple[str, str]
    # How the item is capitalised: "always", "never", or "share" (by the project's capex share).
    capitalised: str
    # How the item's spend spreads over the project's life (see pipelines.demo.non_labour).
    profile: str


COST_ITEMS: dict[str, CostItem] = {
    "licences": CostItem(
        "licences",
        ("160200", "Capitalised software licences"),
        ("620100", "Software licences and subscriptions"),
        "share",
        "front",
    ),
    "cloud": CostItem(
        "cloud",
        ("160300", "Capitalised cloud build costs"),
        ("621000", "Cloud hosting"),
        "never",
        "ramp",
    ),
    "hardware": CostItem(
        "hardware",
        ("150100", "IT hardware"),
        ("622000", "Minor IT equipment"),
        "always",
        "lumps",
    ),
    "contractors": CostItem(
        "contractors",
        ("170100", "Assets under construction - external labour"),
        ("630100", "External contractors"),
        "share",
        "flat",
    ),
    "consulting": CostItem(
        "consulting",
        ("170200", "Assets under construction - consulting"),
        ("630200", "Consulting services"),
        "share",
        "early",
    ),
    "training": CostItem(
        "training",
        ("640100", "Training"),
        ("640100", "Training"),
        "never",
        "late",
    ),
    "travel": CostItem(
        "travel",
        ("650100", "Travel and expenses"),
        ("650100", "Travel and expenses"),
        "never",
        "sporadic",
    ),
}

HISTORY_ACCOUNT: tuple[str, str] = (
    "699000",
    "Project cost before timesheet cut-over (labour recharge and invoices)",
)

MILESTONE_TEMPLATES: dict[int, tuple[str, ...]] = {
    3: ("Requirements signed off", "Build complete", "Go-live"),
    4: ("Business case approved", "Design complete", "UAT complete", "Go-live"),
    5: (
        "Business case approved",
        "Requirements signed off",
        "Build complete",
        "UAT complete",
        "Go-live",
    ),
    6: (
        "Business case approved",
        "Requirements signed off",
        "Design complete",
        "Build complete",
        "UAT complete",
        "Go-live",
    ),
    7: (
        "Business case approved",
        "Requirements signed off",
        "Design complete",
        "Build complete",
        "System test complete",
        "UAT complete",
        "Go-live",
    ),
    8: (
        "Business case approved",
        "Requirements signed off",
        "Design complete",
        "Vendor selected",
        "Build complete",
        "System test complete",
        "UAT complete",
        "Go-live",
    ),
}

FIRST_NAMES: tuple[str, ...] = (
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Christopher",
    "Lisa",
    "Daniel",
    "Nancy",
    "Matthew",
    "Sandra",
    "Anthony",
    "Ashley",
    "Mark",
    "Emily",
    "Oliver",
    "Amelia",
    "Harry",
    "Isla",
    "George",
    "Ava",
    "Noah",
    "Mia",
    "Liam",
    "Sofia",
    "Lukas",
    "Hannah",
    "Jonas",
    "Lea",
    "Finn",
    "Clara",
    "Sean",
    "Aoife",
    "Ciaran",
    "Niamh",
    "Pieter",
    "Femke",
    "Arjun",
    "Ananya",
    "Wei",
    "Mei",
    "Hiroshi",
    "Yuki",
    "Olumide",
    "Chiamaka",
    "José",
    "Lucía",
    "Mateo",
    "Valentina",
    "Zoë",
    "Björn",
    "Søren",
    "Fatima",
    "Omar",
    "Leila",
    "Ravi",
    "Deepa",
    "Grace",
    "Ethan",
    "Chloe",
    "Samuel",
    "Ruby",
)
LAST_NAMES: tuple[str, ...] = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Walker",
    "Hall",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Green",
    "Baker",
    "Adams",
    "Nelson",
    "Hill",
    "Campbell",
    "Mitchell",
    "Roberts",
    "Evans",
    "Hughes",
    "Edwards",
    "Patel",
    "Khan",
    "Shah",
    "Murphy",
    "O'Brien",
    "Kelly",
    "Byrne",
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "de Vries",
    "van Dijk",
    "Jansen",
    "Bakker",
    "Dubois",
    "Lefèvre",
    "Moreau",
    "Rossi",
    "Russo",
    "Novak",
    "Kowalski",
    "Nowak",
    "Andersson",
    "Johansson",
    "Nielsen",
    "Chen",
    "Wang",
    "Li",
    "Zhang",
    "Tanaka",
    "Suzuki",
    "Kim",
    "Park",
    "Nguyen",
    "Singh",
    "Kumar",
    "Okonkwo",
    "Adeyemi",
    "Silva",
    "Santos",
    "Costa",
    "Fernández",
    "González",
)

# Themes each portfolio's projects usually serve (any theme is possible, these are likelier).
PREFERRED_THEMES: dict[str, tuple[str, ...]] = {
    "Digital Workplace": ("Future of Work", "Operational Efficiency"),
    "Customer Platforms": ("Customer Experience", "Cloud First"),
    "Data & Analytics": ("Data-Driven Decisions", "Customer Experience"),
    "Infrastructure & Cloud": ("Cloud First", "Cost Optimisation"),
    "Security & Risk": ("Cyber Resilience", "Regulatory Compliance"),
    "ERP & Finance Systems": ("Operational Efficiency", "Regulatory Compliance"),
}


# Prioritisation inputs (docs/exports.md): how often a project is mandatory (regulatory work
# mostly is), depends on an earlier project of its programme, or is one of a pair of alternatives.
MANDATORY_THEME = "Regulatory Compliance"
MANDATORY_SHARE_OF_THEME = 0.6
MANDATORY_SHARE_OTHERWISE = 0.03
DEPENDENCY_SHARE = 0.10
PROJECTS_PER_EXCLUSIVE_PAIR = 60
