"""Demo data for development and demonstrations: plain values, no database access.

`manage.py seed_demo` turns these into rows. The centres and the organisations are
real names from public sources (without organisation numbers, which we do not make
up); every person is fictional and every e-mail address is on a reserved domain.
"""

from dataclasses import dataclass, field

DEMO_PASSWORD = "batteriet-demo"  # noqa: S105 -- printed on purpose; seed_demo refuses to run outside DEBUG

FUNDING_NB = "Batteriet er en del av Kirkens Bymisjon og er finansiert av Arbeids- og velferdsdirektoratet."
FUNDING_EN = (
    "Batteriet is part of Kirkens Bymisjon and is funded by the Norwegian Labour and Welfare "
    "Directorate (Arbeids- og velferdsdirektoratet)."
)

INTRO_NB = (
    "{name} er et ressurssenter for grupper og organisasjoner som jobber mot fattigdom og sosial "
    "ekskludering i {region_nb}. Vi tilbyr veiledning, kurs, møterom, kontorplass og utstyr – gratis. "
    "Ta kontakt hvis du vil starte en gruppe, eller hvis organisasjonen deres trenger et sted å møtes."
)
INTRO_EN = (
    "{name} is a resource centre for groups and organisations that work against poverty and social "
    "exclusion in {region_en}. We offer guidance, courses, meeting rooms, office space and equipment, "
    "free of charge. Get in touch if you want to start a group, or if your organisation needs a place to meet."
)


@dataclass(frozen=True)
class CentreSeed:
    slug: str
    name: str
    city: str
    region_nb: str
    region_en: str
    street_address: str
    postcode: str
    post_town: str
    phone: str
    extra_intro_nb: str = ""
    extra_intro_en: str = ""
    extra_funding_nb: str = ""
    extra_funding_en: str = ""
    thursday_closes: str = "16:00"
    evening_rule_nb: str = ""
    evening_rule_en: str = ""

    @property
    def email(self) -> str:
        return f"{self.slug}@batteriet.example"

    @property
    def intro_nb(self) -> str:
        text = INTRO_NB.format(name=self.name, region_nb=self.region_nb)
        return f"{text}\n\n{self.extra_intro_nb}" if self.extra_intro_nb else text

    @property
    def intro_en(self) -> str:
        text = INTRO_EN.format(name=self.name, region_en=self.region_en)
        return f"{text}\n\n{self.extra_intro_en}" if self.extra_intro_en else text

    @property
    def funding_nb(self) -> str:
        return f"{FUNDING_NB} {self.extra_funding_nb}".strip()

    @property
    def funding_en(self) -> str:
        return f"{FUNDING_EN} {self.extra_funding_en}".strip()


CENTRES = [
    CentreSeed(
        slug="oslo",
        name="Batteriet Oslo",
        city="Oslo",
        region_nb="Oslo og omegn",
        region_en="Oslo and the surrounding area",
        street_address="Storgata 51",
        postcode="0182",
        post_town="Oslo",
        phone="+4722000001",
        extra_intro_nb=(
            "Batteriet Oslo er sekretariat for Samarbeidsforum mot fattigdom og sosial ekskludering, "
            "et landsdekkende nettverk av bruker- og interesseorganisasjoner. Sammen med forumet "
            "arrangerer vi konferansen Makt og muligheter hver vår og høst."
        ),
        extra_intro_en=(
            "Batteriet Oslo is the secretariat of Samarbeidsforum mot fattigdom og sosial ekskludering, "
            "a national network of user and interest organisations against poverty and social "
            "exclusion. Together with the forum we run the conference Makt og muligheter every "
            "spring and autumn."
        ),
        thursday_closes="19:00",
        evening_rule_nb="Torsdager er senteret bemannet til kl. 19.",
        evening_rule_en="On Thursdays the centre is staffed until 19:00.",
    ),
    CentreSeed(
        slug="vest",
        name="Batteriet Vest",
        city="Bergen",
        region_nb="Vestland",
        region_en="Western Norway",
        street_address="Kong Oscars gate 20",
        postcode="5017",
        post_town="Bergen",
        phone="+4755000002",
    ),
    CentreSeed(
        slug="midt-norge",
        name="Batteriet Midt-Norge",
        city="Trondheim",
        region_nb="Trøndelag",
        region_en="Trøndelag",
        street_address="Kongens gate 30",
        postcode="7012",
        post_town="Trondheim",
        phone="+4773000003",
        extra_funding_nb="Senteret er også delvis finansiert av Trondheim kommune.",
        extra_funding_en="The centre is also partly funded by Trondheim municipality.",
    ),
    CentreSeed(
        slug="nord-norge",
        name="Batteriet Nord-Norge",
        city="Bodø",
        region_nb="Nord-Norge",
        region_en="Northern Norway",
        street_address="Storgata 40",
        postcode="8006",
        post_town="Bodø",
        phone="+4775000004",
    ),
    CentreSeed(
        slug="sor",
        name="Batteriet Sør",
        city="Kristiansand",
        region_nb="Agder",
        region_en="Agder",
        street_address="Rådhusgata 15",
        postcode="4611",
        post_town="Kristiansand",
        phone="+4738000005",
    ),
]

# Monday to Friday 09:00–16:00; a centre may stay open longer on Thursdays.
WEEKDAY_HOURS = [(weekday, "09:00", "16:00") for weekday in range(5)]

AGREEMENT_NB = """Brukeravtale med {name}

Denne avtalen gjelder for grupper og organisasjoner som låner møterom, lokaler, kontorplass eller utstyr hos {name}. Alt vi tilbyr er gratis. Avtalen gjelder i tolv måneder fra senteret har godkjent den, og kan fornyes.

Booking og åpningstider: Møterom på dagtid bestilles på forhånd. Senteret er bemannet mandag til fredag kl. 9–16. {evening_rule_nb} Lokaler på kveldstid og i helger avtales med senteret, og organisasjonen utpeker en ansvarlig person som er til stede hele tiden og låser etter seg.

Orden og respekt: Rydd etter dere, sett møblene tilbake og ta med søppel ut. Si fra til senteret hvis noe er ødelagt. Vi møter hverandre med respekt: diskriminering, trusler og vold godtas ikke. Det er ikke lov å bruke eller være påvirket av rusmidler i lokalene.

Utstyr og nøkler: Lånt utstyr leveres tilbake til avtalt tid og i samme stand. Nøkler og nøkkelkort er personlige og skal ikke lånes ut til andre.

Brudd på avtalen: Hvis reglene ikke følges, tar vi en prat først. Ved alvorlige eller gjentatte brudd kan senteret si opp avtalen. Organisasjonen kan når som helst si opp avtalen selv."""

AGREEMENT_EN = """User agreement with {name}

This agreement applies to groups and organisations that borrow meeting rooms, premises, office space or equipment at {name}. Everything we offer is free of charge. The agreement lasts twelve months from when the centre approves it, and can be renewed.

Booking and opening hours: Book daytime meeting rooms in advance. The centre is staffed Monday to Friday, 09:00–16:00. {evening_rule_en} Evenings and weekends are arranged with the centre, and the organisation names a responsible person who is present the whole time and locks up afterwards.

Tidiness and respect: Tidy up after you, put the furniture back and take the rubbish out. Tell the centre if something is broken. We treat each other with respect: discrimination, threats and violence are not accepted. Using drugs or alcohol, or being under their influence, is not allowed on the premises.

Equipment and keys: Return borrowed equipment at the agreed time and in the same condition. Keys and key cards are personal and must not be lent to others.

Breaking the agreement: If the rules are not followed, we talk first. After serious or repeated breaches the centre may end the agreement. The organisation may end the agreement itself at any time."""


@dataclass(frozen=True)
class PersonSeed:
    email: str
    full_name: str
    language: str = "nb"


@dataclass(frozen=True)
class StaffSeed:
    person: PersonSeed
    role: str  # centres.StaffRole value
    centre_slug: str | None


STAFF = [
    StaffSeed(PersonSeed("leder.oslo@batteriet.example", "Ingrid Haugen"), "lead", "oslo"),
    StaffSeed(PersonSeed("radgiver.oslo@batteriet.example", "Tobias Lunde"), "adviser", "oslo"),
    StaffSeed(PersonSeed("leder.vest@batteriet.example", "Silje Aasen"), "lead", "vest"),
    StaffSeed(PersonSeed("radgiver.vest@batteriet.example", "Henrik Brekke"), "adviser", "vest"),
    StaffSeed(PersonSeed("leder.midt-norge@batteriet.example", "Marit Solberg"), "lead", "midt-norge"),
    StaffSeed(PersonSeed("radgiver.midt-norge@batteriet.example", "Jonas Strand"), "adviser", "midt-norge"),
    StaffSeed(PersonSeed("leder.nord-norge@batteriet.example", "Hanne Eriksen"), "lead", "nord-norge"),
    StaffSeed(PersonSeed("radgiver.nord-norge@batteriet.example", "Even Nilsen"), "adviser", "nord-norge"),
    StaffSeed(PersonSeed("leder.sor@batteriet.example", "Kristin Moen"), "lead", "sor"),
    StaffSeed(PersonSeed("radgiver.sor@batteriet.example", "Sindre Bakke"), "adviser", "sor"),
    StaffSeed(PersonSeed("koordinator@batteriet.example", "Randi Holm"), "national_coordinator", None),
]
SITE_ADMIN = PersonSeed("admin@batteriet.example", "Arne Vik")

# The people shown in the login table (besides staff), all acting at Batteriet Oslo.
CONTACT = PersonSeed("kontaktperson@epost.example", "Mona Kristiansen")
BOARD_MEMBER = PersonSeed("styremedlem@epost.example", "Geir Pedersen")
MEMBER = PersonSeed("medlem@epost.example", "Leila Hassan", language="en")
INITIATOR = PersonSeed("initiativtaker@epost.example", "Camilla Berg")
PARTNER_CONTACT = PersonSeed("partner@epost.example", "Jon Aune")

INITIATOR_CENTRE = "oslo"
INITIATOR_IDEA = (
    "Jeg vil starte en samtalegruppe for unge voksne som står utenfor arbeidslivet, "
    "der vi kan dele erfaringer og hjelpe hverandre videre."
)


@dataclass(frozen=True)
class OrganisationSeed:
    name: str
    centre_slug: str
    kind: str  # organisations.OrganisationKind value
    description: str
    email: str
    contact: PersonSeed
    target_groups: list[str] = field(default_factory=list)
    is_user_led: bool = False
    partner_type: str = ""
    status: str = "approved"  # organisations.OrganisationStatus value
    decision_reason: str = ""
    is_public: bool = True
    # None, "requested", "signed", "active" or "active_ending_soon"
    agreement: str | None = None
    # Further people: (person, membership role); the first board member signs.
    others: list[tuple[PersonSeed, str]] = field(default_factory=list)


ORGANISATIONS = [
    OrganisationSeed(
        name="Wayback",
        centre_slug="oslo",
        kind="user_led",
        description=(
            "Wayback hjelper mennesker som har sonet, til et liv uten kriminalitet og rus. "
            "Likepersoner med egen soningserfaring følger opp før og etter løslatelse."
        ),
        email="post@wayback.example",
        contact=CONTACT,
        target_groups=["former_inmates", "former_drug_users"],
        is_user_led=True,
        agreement="active",
        others=[(BOARD_MEMBER, "board"), (MEMBER, "member")],
    ),
    OrganisationSeed(
        name="Velferdsalliansen",
        centre_slug="oslo",
        kind="interest_organisation",
        description=(
            "Velferdsalliansen er en allianse av organisasjoner og enkeltpersoner som jobber for "
            "en rettighetsbasert velferd og mot fattigdom. Medlemsorganisasjonene er hverandres "
            "ressursbank."
        ),
        email="post@velferdsalliansen.example",
        contact=PersonSeed("tone.larsen@epost.example", "Tone Larsen"),
        target_groups=["housing", "labour_market", "mental_health"],
        is_user_led=True,
        agreement="active_ending_soon",
    ),
    OrganisationSeed(
        name="Stiftelsen Rettferd for taperne",
        centre_slug="oslo",
        kind="interest_organisation",
        description=(
            "Stiftelsen gir støtte til mennesker som har opplevd urett i møte med offentlige "
            "systemer, og arbeider for en mer rettferdig velferdsstat."
        ),
        email="post@rettferd.example",
        contact=PersonSeed("bjorn.hagen@epost.example", "Bjørn Hagen"),
        target_groups=["mental_health", "other"],
        is_user_led=True,
        agreement="active",
    ),
    OrganisationSeed(
        name="Bydelsmødrene",
        centre_slug="oslo",
        kind="user_led",
        description=(
            "Bydelsmødre er kvinner med minoritetsbakgrunn som bruker egne erfaringer til å hjelpe "
            "andre kvinner og familier i bydelen med å finne fram i samfunnet."
        ),
        email="post@bydelsmodrene.example",
        contact=PersonSeed("amina.yusuf@epost.example", "Amina Yusuf"),
        target_groups=["immigrants", "children_and_youth"],
        is_user_led=True,
        agreement="signed",
    ),
    OrganisationSeed(
        name="KREM – Kreativt og mangfoldig arbeidsliv",
        centre_slug="oslo",
        kind="interest_organisation",
        description=(
            "KREM viser nye veier inn i arbeidslivet for mennesker som står utenfor, blant annet "
            "gjennom sosialt entreprenørskap og reell brukermedvirkning."
        ),
        email="post@krem.example",
        contact=PersonSeed("petter.johansen@epost.example", "Petter Johansen"),
        target_groups=["labour_market"],
        is_user_led=True,
        agreement="requested",
    ),
    OrganisationSeed(
        name="Fafo",
        centre_slug="oslo",
        kind="partner",
        partner_type="research",
        description=(
            "Forskningsstiftelse som studerer arbeidsliv, velferd og levekår, og deler kunnskap "
            "om fattigdom med organisasjonene på Batteriet."
        ),
        email="post@fafo.example",
        contact=PARTNER_CONTACT,
    ),
    OrganisationSeed(
        name="Aleneforeldreforeningen",
        centre_slug="vest",
        kind="interest_organisation",
        description=(
            "En landsdekkende interesseorganisasjon for aleneforeldre og barna deres. "
            "Lokallaget i Bergen har treff, kurs og likepersonsstøtte."
        ),
        email="bergen@aleneforeldre.example",
        contact=PersonSeed("lene.halvorsen@epost.example", "Lene Halvorsen"),
        target_groups=["single_parents", "children_and_youth"],
        is_user_led=True,
        agreement="active",
    ),
    OrganisationSeed(
        name="Leieboerforeningen",
        centre_slug="vest",
        kind="interest_organisation",
        description="Gir råd og hjelp til leietakere og jobber for tryggere og rimeligere leieforhold.",
        email="bergen@leieboer.example",
        contact=PersonSeed("rune.dahl@epost.example", "Rune Dahl"),
        target_groups=["housing"],
        status="pending",
        is_public=False,
    ),
    OrganisationSeed(
        name="RIO – Rusmisbrukernes interesseorganisasjon",
        centre_slug="midt-norge",
        kind="user_led",
        description=(
            "En brukerorganisasjon for mennesker med erfaring fra rusavhengighet. RIO jobber for "
            "at brukernes stemme skal bli hørt i rusfeltet."
        ),
        email="trondheim@rio.example",
        contact=PersonSeed("stian.karlsen@epost.example", "Stian Karlsen"),
        target_groups=["former_drug_users"],
        is_user_led=True,
        agreement="active",
    ),
    OrganisationSeed(
        name="Marborg",
        centre_slug="midt-norge",
        kind="user_led",
        description=(
            "En brukerstyrt organisasjon som samler mennesker med erfaring fra utenforskap om "
            "fellesskap, aktivitet og påvirkningsarbeid."
        ),
        email="post@marborg.example",
        contact=PersonSeed("eva.jensen@epost.example", "Eva Jensen"),
        target_groups=["other"],
        is_user_led=True,
    ),
    OrganisationSeed(
        name="Bikuben",
        centre_slug="nord-norge",
        kind="user_led",
        description=(
            "Et brukerstyrt senter i Nord-Norge der folk møtes for fellesskap, aktivitet og "
            "likepersonsstøtte."
        ),
        email="post@bikuben.example",
        contact=PersonSeed("sissel.olsen@epost.example", "Sissel Olsen"),
        target_groups=["mental_health", "former_drug_users"],
        is_user_led=True,
        agreement="active",
    ),
    OrganisationSeed(
        name="BibiAmka",
        centre_slug="sor",
        kind="user_led",
        description=(
            "Samler kvinner med minoritetsbakgrunn om fellesskap, kunnskap og deltakelse i samfunnet."
        ),
        email="post@bibiamka.example",
        contact=PersonSeed("fatima.ali@epost.example", "Fatima Ali"),
        target_groups=["immigrants"],
        is_user_led=True,
        status="pending",
        is_public=False,
    ),
    # Fictional: a company that registered as a group and was kindly turned down.
    OrganisationSeed(
        name="Kvadrat Eventbyrå AS",
        centre_slug="sor",
        kind="informal_group",
        description="Vi arrangerer konferanser og firmafester og trenger rimelige lokaler.",
        email="post@kvadrat-event.example",
        contact=PersonSeed("martin.lie@epost.example", "Martin Lie"),
        target_groups=["other"],
        status="declined",
        decision_reason=(
            "Batteriet låner bare ut lokaler til grupper og organisasjoner som jobber mot fattigdom "
            "og sosial ekskludering, ikke til bedrifter. Dere er velkomne til å registrere dere som "
            "samarbeidspartner."
        ),
        is_public=False,
    ),
]


# --- What the centres lend ------------------------------------------------------------
@dataclass(frozen=True)
class ResourceSeed:
    name: str
    kind: str  # bookings.ResourceKind value
    description: str
    capacity: int | None = None
    stock: int = 1
    part_of: str = ""  # the name of the hall this is a part of
    step_free: bool = True
    hearing_loop: bool = False
    accessible_toilet: bool = True
    requires_approval: bool = False
    min_notice_minutes: int = 60
    max_duration_minutes: int = 8 * 60
    printer_pages_per_month: int | None = None
    house_rules: str = ""


HOUSE_RULES_ROOM = "Sett bordene tilbake slik du fant dem. Ta med deg det du har tatt med."
HOUSE_RULES_PREMISES = (
    "Den ansvarlige personen må være til stede hele tiden. Følg sjekklisten når dere går: lys av, "
    "vinduer lukket, ryddet, søppel ut, dører låst og alarm på."
)
DAY = 24 * 60

# Every centre has these; Oslo, the largest, has the rest too.
RESOURCES_EVERYWHERE = [
    ResourceSeed(
        "Møterom 1",
        "meeting_room",
        "Lyst møterom med skjerm og tavle. Passer for styremøter og små kurs.",
        capacity=10,
        hearing_loop=True,
        house_rules=HOUSE_RULES_ROOM,
    ),
    ResourceSeed(
        "Storsalen",
        "premises",
        "Stort lokale med kjøkken, for medlemsmøter, temakvelder og fester på kvelder og i helger.",
        capacity=60,
        requires_approval=True,
        min_notice_minutes=2 * DAY,
        max_duration_minutes=12 * 60,
        house_rules=HOUSE_RULES_PREMISES,
    ),
    ResourceSeed(
        "Kontorplass 1",
        "desk",
        "Skrivepult med skuff som kan låses, tilgang til skriver og kontormateriell.",
        capacity=1,
        requires_approval=True,
        max_duration_minutes=180 * DAY,
        printer_pages_per_month=200,
    ),
    ResourceSeed(
        "Prosjektor",
        "equipment",
        "Prosjektor med HDMI-kabel og skjøteledning.",
        stock=2,
        max_duration_minutes=14 * DAY,
    ),
]
RESOURCES_OSLO = [
    ResourceSeed(
        "Møterom 2",
        "meeting_room",
        "Lite møterom for samtaler og arbeidsmøter.",
        capacity=6,
        accessible_toilet=False,
        house_rules=HOUSE_RULES_ROOM,
    ),
    ResourceSeed(
        "Storsalen – del A",
        "premises",
        "Halvparten av Storsalen, med skillevegg. Når hele salen er booket, er denne delen opptatt.",
        capacity=30,
        part_of="Storsalen",
        requires_approval=True,
        min_notice_minutes=2 * DAY,
        max_duration_minutes=12 * 60,
        house_rules=HOUSE_RULES_PREMISES,
    ),
    ResourceSeed(
        "Storsalen – del B",
        "premises",
        "Den andre halvparten av Storsalen, med kjøkkenet.",
        capacity=30,
        part_of="Storsalen",
        requires_approval=True,
        min_notice_minutes=2 * DAY,
        max_duration_minutes=12 * 60,
        house_rules=HOUSE_RULES_PREMISES,
    ),
    ResourceSeed(
        "Kontorplass 2",
        "desk",
        "Skrivepult ved vinduet, tilgang til skriver og kontormateriell.",
        capacity=1,
        requires_approval=True,
        max_duration_minutes=180 * DAY,
        printer_pages_per_month=200,
    ),
    ResourceSeed(
        "Høyttaleranlegg",
        "equipment",
        "Bærbart anlegg med to mikrofoner, for appeller og arrangementer.",
        max_duration_minutes=7 * DAY,
    ),
    ResourceSeed(
        "Bærbar PC",
        "equipment",
        "Bærbar PC med Office, for kurs og arrangementer.",
        stock=3,
        max_duration_minutes=14 * DAY,
    ),
    ResourceSeed(
        "Roll-up-stativ",
        "equipment",
        "Stativ for banner, for stands og konferanser.",
        stock=2,
        max_duration_minutes=14 * DAY,
    ),
]


def resources_for(centre_slug: str) -> list[ResourceSeed]:
    return RESOURCES_EVERYWHERE + (RESOURCES_OSLO if centre_slug == "oslo" else [])
