"""The words seeded names, companies, addresses and notes are made of: small pools, written by hand.

The seed (seed.py) draws from them with a `random.Random` of its own seed, so the same seed gives the same
names. No generator library is loaded at run time: a pytest session importing the plugin, or a server
starting, pays for tuples of strings only (README, "Performance"). The first and last names are common
given names and surnames in the United States; the places are real US cities and states, paired at random
(an address is plausible, not real).
"""
from __future__ import annotations

FIRST_NAMES = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
    "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
    "Christopher", "Lisa", "Daniel", "Nancy", "Matthew", "Betty", "Anthony", "Sandra", "Mark", "Margaret",
    "Donald", "Ashley", "Steven", "Kimberly", "Andrew", "Emily", "Paul", "Donna", "Joshua", "Michelle",
    "Kenneth", "Carol", "Kevin", "Amanda", "Brian", "Melissa", "George", "Deborah", "Timothy", "Stephanie",
    "Ronald", "Rebecca", "Jason", "Sharon", "Edward", "Laura", "Jeffrey", "Cynthia", "Ryan", "Dorothy",
    "Jacob", "Amy", "Gary", "Kathleen", "Nicholas", "Angela", "Eric", "Shirley", "Jonathan", "Emma",
    "Stephen", "Brenda", "Larry", "Pamela", "Justin", "Nicole", "Scott", "Anna", "Brandon", "Samantha",
    "Benjamin", "Katherine", "Samuel", "Christine", "Gregory", "Debra", "Alexander", "Rachel", "Patrick",
    "Carolyn", "Frank", "Janet", "Raymond", "Maria", "Jack", "Olivia", "Dennis", "Heather", "Jerry", "Helen",
    "Tyler", "Catherine", "Aaron", "Diane", "Jose", "Julie", "Adam", "Victoria", "Nathan", "Joyce",
)

LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
    "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
    "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
    "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
    "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes",
    "Stewart", "Morris", "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper",
    "Peterson", "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson",
    "Watson", "Brooks", "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes",
    "Price", "Alvarez", "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez",
)

# Company names: "Lee Group", "Hill-Ward", "Cook, Reed and Price" (as US firms are commonly named).
COMPANY_SUFFIXES = ("Inc", "LLC", "Group", "Ltd", "and Sons", "Partners", "Holdings", "Co")
EMAIL_DOMAINS = ("gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "aol.com")

# "<org> <what> deal" and "Lead: <adjective> <descriptor> <noun>"
DEAL_SUBJECTS = ("licences", "renewal", "expansion", "pilot", "onboarding", "support", "upgrade", "migration",
                 "integration", "training", "hardware", "consulting", "subscription", "rollout", "platform",
                 "analytics", "services", "seats", "retainer", "maintenance")
LEAD_ADJECTIVES = ("Inbound", "Referral", "Warm", "Qualified", "Enterprise", "Regional", "Returning",
                   "Strategic", "Mid-market", "Partner", "Trade-show", "Webinar", "Cold", "Priority", "Renewal")
LEAD_DESCRIPTORS = ("cloud", "logistics", "retail", "healthcare", "fintech", "manufacturing", "education",
                    "hospitality", "security", "media", "energy", "legal", "real-estate", "travel", "insurance")
LEAD_NOUNS = ("prospect", "opportunity", "inquiry", "account", "buyer", "contact", "request", "evaluation",
              "trial", "introduction")
PROJECT_NAMES = ("Atlas", "Beacon", "Cascade", "Delta", "Ember", "Falcon", "Granite", "Harbor", "Horizon",
                 "Juniper", "Keystone", "Lighthouse", "Meridian", "Northstar", "Orchard", "Pioneer", "Quarry",
                 "Redwood", "Summit", "Tidewater", "Upland", "Vantage", "Willow", "Zenith")

STREET_SUFFIXES = ("Street", "Avenue", "Road", "Lane", "Drive", "Court", "Boulevard", "Way", "Place", "Terrace")
STREET_WORDS = ("Oak", "Maple", "Cedar", "Pine", "Elm", "Washington", "Lake", "Hill", "Park", "Main",
                "Church", "River", "Spring", "Sunset", "Highland", "Forest", "Meadow", "Lincoln", "Jackson",
                "Franklin", "Ridge", "Valley", "Mill", "Walnut", "Chestnut", "Center", "Market", "Union")
CITIES = ("Springfield", "Portland", "Franklin", "Greenville", "Bristol", "Clinton", "Fairview", "Salem",
          "Madison", "Georgetown", "Arlington", "Ashland", "Dover", "Oxford", "Jackson", "Burlington",
          "Manchester", "Milton", "Newport", "Auburn", "Dayton", "Lexington", "Riverside", "Hudson",
          "Kingston", "Chester", "Marion", "Winchester", "Lebanon", "Columbia")
STATES = ("Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware",
          "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky",
          "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota", "Mississippi",
          "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire", "New Jersey", "New Mexico", "New York",
          "North Carolina", "North Dakota", "Ohio", "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island",
          "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah", "Vermont", "Virginia", "Washington",
          "West Virginia", "Wisconsin", "Wyoming")

# Notes: "<p>Opening. Middle. Closing.</p>", one of each, as a salesperson jots them down.
NOTE_OPENINGS = ("Spoke with the buyer about timing.", "Left a voicemail, no answer yet.",
                 "They asked for a revised quote.", "Good call, the team is interested.",
                 "Budget is approved for next quarter.", "Procurement wants two references.",
                 "The champion moved to another team.", "Demo went well.")
NOTE_MIDDLES = ("Security review is the main blocker.", "Pricing for 50 seats is the open question.",
                "They compare us with two other vendors.", "Legal needs the standard contract.",
                "Their IT team wants the integration docs.", "Decision expected by the end of the month.",
                "The current tool is up for renewal soon.", "Finance asked about annual billing.")
NOTE_CLOSINGS = ("Follow up on Tuesday.", "Send the case study.", "Book a call with their CTO.",
                 "Share the onboarding plan.", "Check in after their board meeting.", "Prepare a pilot proposal.",
                 "Loop in customer success.", "Confirm the next meeting by email.")
