"""The routing core: a needs profile in, ranked insatser with their villkor checked out.

This is the ONLY routing implementation. The bot's custom actions, the web guide and the
`python -m insatskatalog route` command all call `route()`, so the same profile always gives the
same answer in every channel.

Rules (GUIDE.md §1):
- Only insatser the board offers without behovsprövning are recommended; Lekeberg's
  behovsprövade insatser are returned separately as "needs an application".
- The målgrupp never excludes anybody (seed 004); only villkor can. A villkor that clearly fails
  (age outside the limits, no guardian consent under 15) moves the insats to
  `villkor_ej_uppfyllda` with the reason; a villkor we cannot know anonymously (folkbokföring,
  a referral) stays "okant" and is shown to the resident.
- Every result carries the right to apply (11 kap. 1 § and 6 §).

Lättläst (issue 13.6): each reason, villkor and "does not fit" text is made here once, in normal
and in easy-to-read Swedish side by side (`varfor_lattlast`, `text_lattlast`, `skal_lattlast`),
so the pages and the widget never rebuild the rule. A villkor text taken from the catalogue
(folkbokföring, a referral's source, other villkor) has no easy version and is used as it is.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Optional

from . import vocabulary as v
from .loader import Catalogue, CatalogueError, default_catalogue
from .models import Insats, Kommun
from .rights import ratt_att_ansoka

UPPFYLLT, EJ_UPPFYLLT, OKANT = "uppfyllt", "ej_uppfyllt", "okant"
MAX_ALDER = 120
SAMTYCKESALDER = 15  # 21 kap. 2 § SoL: from 15 an insats may be given without the guardian's consent

# Which insatser serve each asker directly, and which serve the person the asker is worried about.
PRIMAR_ROLL = {
    "sig": {"sig", "barn-ung"},
    "mitt-barn": {"foralder", "blivande-foralder"},
    "anhorig": {"anhorig"},
    "familj": {"familj"},
}
SEKUNDAR_ROLL = {
    "sig": {"familj", "blivande-foralder"},
    "mitt-barn": {"barn-ung", "familj", "anhorig"},
    "anhorig": {"sig", "barn-ung"},
    "familj": {"sig", "foralder"},
}


class ProfileError(ValueError):
    """A needs profile with a value out of range; the message is Swedish and names what is allowed.
    `lattlast` is the same message in easy-to-read Swedish where one is written (the guide's ages),
    else the message itself."""

    def __init__(self, message: str, lattlast: str = ""):
        super().__init__(message)
        self.lattlast = lattlast or message


@dataclass(frozen=True)
class Profile:
    kommun: str
    for_vem: str = "sig"
    alder: Optional[int] = None          # the age of the person asking
    barn_alder: Optional[int] = None     # the age of the child / the person the asker is worried about
    amnen: tuple[str, ...] = ()
    anonym: bool = False                 # wishes to stay anonymous
    format: Optional[str] = None         # "grupp" | "individuellt"
    samtycke: Optional[bool] = None      # guardian consent, for a child under 15 asking for themself
    sprak: Optional[str] = None          # wished language (parent programmes such as FÖS)
    # Ages known only as a range ("13–17", "under 15"): checked as a range, never as an invented
    # exact age. Several children: one range each ("en 3-åring och en 7-åring" -> (3, 3), (7, 7)).
    alder_span: Optional[tuple[int, int]] = None
    barn_aldrar: tuple[tuple[int, int], ...] = ()
    # How close the resident's own words are to each insats's description ((insats id, score),
    # from bot/insats_relevance.py): orders insatser that fit equally well by topic, role and age.
    # Never makes an insats fit that does not; the guide, which has no free text, leaves it empty.
    relevans: tuple[tuple[str, float], ...] = ()

    def own_spans(self) -> tuple[tuple[int, int], ...]:
        """The asker's age as ranges (empty when unknown)."""
        if self.alder is not None:
            return ((self.alder, self.alder),)
        return (self.alder_span,) if self.alder_span else ()

    def child_spans(self) -> tuple[tuple[int, int], ...]:
        """The child's (or the worried-about person's) age(s) as ranges (empty when unknown)."""
        if self.barn_aldrar:
            return self.barn_aldrar
        return ((self.barn_alder, self.barn_alder),) if self.barn_alder is not None else ()

    def validate(self, catalogue: Catalogue) -> None:
        catalogue.kommun(self.kommun)  # raises CatalogueError with the allowed ids
        if self.for_vem not in PRIMAR_ROLL:
            raise ProfileError(f"\"{self.for_vem}\" är inget giltigt val för vem hjälpen gäller. Tillåtna: {', '.join(PRIMAR_ROLL)}.")
        spans = [("ålder", lo) for lo, hi in self.own_spans()] + [("ålder", hi) for lo, hi in self.own_spans()]
        spans += [("barnets ålder", x) for span in self.child_spans() for x in span]
        for name, value in spans:
            if value is not None and not (0 <= value <= MAX_ALDER):
                raise ProfileError(f"{name.capitalize()} {value} går inte att använda. Ange en ålder mellan 0 och {MAX_ALDER} år.",
                                   f"{name.capitalize()} {value} år går inte. Skriv en ålder från 0 till {MAX_ALDER} år.")
        okanda = [a for a in self.amnen if a not in v.amnen()]
        if okanda:
            raise ProfileError(f"Ämnet \"{okanda[0]}\" finns inte. Tillåtna ämnen: {', '.join(v.amnen())}.")
        if self.format not in (None, "grupp", "individuellt"):
            raise ProfileError(f"Formen \"{self.format}\" finns inte. Tillåtna: grupp, individuellt.")
        if any(not isinstance(score, (int, float)) or score < 0 for _id, score in self.relevans):
            raise ProfileError("Relevansen måste vara tal från 0 och uppåt.")


@dataclass(frozen=True)
class VillkorStatus:
    text: str
    status: str  # uppfyllt | ej_uppfyllt | okant
    text_lattlast: str = ""  # the same in easy-to-read Swedish; "" = the catalogue's own text, use `text`

    def visa(self, lattlast: bool = False) -> str:
        return (self.text_lattlast or self.text) if lattlast else self.text


@dataclass(frozen=True)
class Rekommendation:
    insats: Insats
    poang: float
    varfor: str
    villkor: tuple[VillkorStatus, ...]
    anonymitet: str
    varfor_lattlast: str = ""  # `varfor` in easy-to-read Swedish: one reason per sentence


@dataclass(frozen=True)
class EjUppfylld:
    insats: Insats
    skal: str
    skal_lattlast: str = ""  # `skal` in easy-to-read Swedish: whole sentences


@dataclass
class Resultat:
    kommun: Kommun
    profil: Profile
    rekommenderade: list[Rekommendation] = field(default_factory=list)
    villkor_ej_uppfyllda: list[EjUppfylld] = field(default_factory=list)
    kraver_ansokan: list[Insats] = field(default_factory=list)
    ratt_att_ansoka: str = ""

    @property
    def inget_passar(self) -> bool:
        return not self.rekommenderade

    def to_json(self) -> dict:
        return {
            "kommun": self.kommun.id,
            "rekommenderade": [
                {
                    "id": r.insats.id,
                    "namn": r.insats.namn,
                    "varfor": r.varfor,
                    "villkor": [{"text": s.text, "status": s.status} for s in r.villkor],
                    "anonymitet": r.anonymitet,
                }
                for r in self.rekommenderade
            ],
            "villkor_ej_uppfyllda": [
                {"id": e.insats.id, "namn": e.insats.namn, "skal": e.skal} for e in self.villkor_ej_uppfyllda
            ],
            "kraver_ansokan": [{"id": i.id, "namn": i.namn} for i in self.kraver_ansokan],
            "inget_passar": self.inget_passar,
            "ratt_att_ansoka": self.ratt_att_ansoka,
        }


# -- villkor --------------------------------------------------------------------------------

def span_status(limit, spans) -> str:
    """A villkor on age checked against what we know: met only when every known age range lies
    inside the limit for at least one person, not met when no range can meet it, else unknown.
    Several children: met when one of them meets it (the parent programme is for the parent)."""
    if not spans:
        return OKANT
    if any(limit.rymmer(lo) and limit.rymmer(hi) for lo, hi in spans):
        return UPPFYLLT
    if all(_disjoint(limit, lo, hi) for lo, hi in spans):
        return EJ_UPPFYLLT
    return OKANT


def _disjoint(limit, lo: int, hi: int) -> bool:
    return (limit.max is not None and lo > limit.max) or (limit.min is not None and hi < limit.min)


def _span_text(spans) -> str:
    parts = [f"{lo} år" if lo == hi else f"{lo}–{hi} år" for lo, hi in spans]
    return " och ".join(parts)


def _participants(insats: Insats, profil: Profile) -> tuple[tuple[tuple[int, int], ...], bool]:
    """Whose age the insats's own age limit (`villkor.alder`) applies to, and whether that is the child.

    For an insats that serves children and young people themselves (`barn-ung`), the age limit
    describes the young person. So when a parent or relative asks about it, the child's age is
    checked, not the asker's. For every other insats the limit applies to the asker.
    """
    if profil.for_vem in ("mitt-barn", "anhorig") and "barn-ung" in insats.for_vem:
        return profil.child_spans(), True
    return profil.own_spans(), profil.for_vem == "sig"


def _child_ages(insats: Insats, profil: Profile) -> tuple[tuple[int, int], ...]:
    """The ages `villkor.barn_alder` is checked against: the child's, or — when a young person asks
    for themself about an insats for children and young people — their own."""
    if profil.for_vem == "sig" and "barn-ung" in insats.for_vem:
        return profil.own_spans()
    return profil.child_spans()


def _consent_status(spans, profil: Profile) -> str:
    if not spans:
        return OKANT
    if all(lo >= SAMTYCKESALDER for lo, _ in spans):
        return UPPFYLLT
    if profil.for_vem == "mitt-barn":
        return UPPFYLLT  # the parent asking is, as a rule, the guardian who gives the consent
    if not all(hi < SAMTYCKESALDER for _, hi in spans):
        return OKANT     # a range across 15: we cannot tell
    if profil.samtycke is True:
        return UPPFYLLT
    if profil.samtycke is False:
        return EJ_UPPFYLLT
    return OKANT


def _check_villkor(insats: Insats, kommun: Kommun,
                   profil: Profile) -> tuple[list[VillkorStatus], list[tuple[str, str]]]:
    vil = insats.villkor
    statuses: list[VillkorStatus] = []
    fel: list[tuple[str, str]] = []  # (normal, lättläst)
    spans, deltagaren_ar_barnet = _participants(insats, profil)
    vem = "barnet" if deltagaren_ar_barnet and profil.for_vem != "sig" else "du"

    if vil.alder.angivet:
        status = span_status(vil.alder, spans)
        statuses.append(VillkorStatus(f"Ålder: {vil.alder.text()}", status, f"Åldern ska vara {vil.alder.text()}"))
        if status == EJ_UPPFYLLT:
            fel.append((f"finns, men gäller {vil.alder.text()} ({vem} är {_span_text(spans)})",
                        f"Stödet är för åldern {vil.alder.text()}. {vem.capitalize()} är {_span_text(spans)}."))

    if vil.barn_alder.angivet:
        barn = _child_ages(insats, profil)
        status = span_status(vil.barn_alder, barn)
        statuses.append(VillkorStatus(f"Barnets ålder: {vil.barn_alder.text()}", status,
                                      f"Barnet ska vara {vil.barn_alder.text()}"))
        if status == EJ_UPPFYLLT:
            if profil.for_vem == "sig":
                fel.append((f"finns, men gäller barn och unga {vil.barn_alder.text()} (du är {_span_text(barn)})",
                            f"Stödet är för barn och unga {vil.barn_alder.text()}. Du är {_span_text(barn)}."))
            else:
                fel.append((f"finns, men gäller barn {vil.barn_alder.text()} (barnet är {_span_text(barn)})",
                            f"Stödet är för barn {vil.barn_alder.text()}. Barnet är {_span_text(barn)}."))

    if vil.samtycke_kravs_under_15:
        text = vil.samtycke_text or f"Under {SAMTYCKESALDER} år behövs vårdnadshavares samtycke"
        latt = "" if vil.samtycke_text else f"Är du yngre än {SAMTYCKESALDER} år? Då måste en vårdnadshavare säga ja"
        status = _consent_status(spans, profil)
        if status == UPPFYLLT and profil.for_vem == "mitt-barn" and not all(lo >= SAMTYCKESALDER for lo, _ in spans):
            text += " – det ger du som vårdnadshavare"
            if not vil.samtycke_text:
                latt = (f"Är barnet yngre än {SAMTYCKESALDER} år? Då måste en vårdnadshavare säga ja. "
                        "Det gör du som vårdnadshavare")
        statuses.append(VillkorStatus(text, status, latt))
        if status == EJ_UPPFYLLT:
            fel.append(("finns, men kräver vårdnadshavares samtycke", "En vårdnadshavare måste säga ja till stödet."))

    if vil.bosattning_krav in ("folkbokford", "bosatt_eller_vistas"):
        # Anonymity means we never ask where someone is registered: the provider checks it.
        statuses.append(VillkorStatus(vil.bosattning_text or kommun.bosattningsvillkor, OKANT))

    if vil.remiss_kravs:
        fran = f" från {vil.remiss_fran}" if vil.remiss_fran else ""
        statuses.append(VillkorStatus("Kräver remiss" + fran, OKANT, "Du behöver en remiss" + fran))

    for other in vil.ovrigt:
        statuses.append(VillkorStatus(other, OKANT))
    return statuses, fel


# -- ranking -------------------------------------------------------------------------------

def _primary_roles(profil: Profile) -> set:
    """The insats roles that fit the asker directly. A young relative (under 21, the upper limit
    of the youth services) is both: the one anhörigstöd is for when asking for their own sake
    (topic anhorig, "pappa dricker, jag e 17, vem kan jag prata med"), and a young person, for
    whom the youth services for children in such families are meant. (For any age, "sig" with
    the topic anhorig widened too far: a parent's "han fick diagnosen adhd" got anhörigstöd.)"""
    roles = set(PRIMAR_ROLL[profil.for_vem])
    spans = profil.own_spans()
    young = bool(spans) and max(hi for _lo, hi in spans) < 21
    if young and profil.for_vem == "sig" and "anhorig" in profil.amnen:
        roles.add("anhorig")
    if young and profil.for_vem == "anhorig":
        roles.add("barn-ung")
    return roles


# About one role: an insats for a target group the resident has not named (nyanländ) ranks after
# the general ones that fit alike, and still fills a short list. Not funktionsnedsattning: it is a
# need as well ("glömmer", "demens" reach the kognitiva stödteamet without the word; dev3 hit@1 fell).
MALGRUPP_PENALTY = 2.0


def _score(insats: Insats, profil: Profile) -> tuple[float, list[tuple[str, str]]]:
    """A score and the human reasons behind it, each (normal, lättläst sentence). 0 means: not
    relevant for this profile."""
    skal: list[tuple[str, str]] = []
    score = 0.0
    matchade = []
    for i, amne in enumerate(profil.amnen):
        if amne in insats.amnen:
            position = insats.amnen.index(amne)
            weight = (3.0, 2.0)[position] if position < 2 else 1.0
            score += weight * (1.5 if i == 0 else 1.0)
            matchade.append(v.amne_etikett(amne).lower())
    if profil.amnen and not matchade:
        return 0.0, []
    if matchade:
        amnen = " och ".join(matchade)
        skal.append((f"den handlar om {amnen}", f"Stödet handlar om {amnen}."))

    roller = set(insats.for_vem)
    if roller & _primary_roles(profil):
        score += 2.0
        # the asker's own role among the insats's roles ("sig" needs no reason of its own)
        roll = "foralder" if profil.for_vem == "mitt-barn" else profil.for_vem
        if roll in _ROLE_REASON:
            skal.append(_ROLE_REASON[roll])
    elif roller & SEKUNDAR_ROLL[profil.for_vem]:
        score += 0.5
        skal.append(_role_reason(roller & SEKUNDAR_ROLL[profil.for_vem], profil.for_vem))
    else:
        return 0.0, []

    spans, _ = _participants(insats, profil)
    if insats.villkor.alder.angivet and span_status(insats.villkor.alder, spans) == UPPFYLLT:
        score += 1.0
        skal.append((f"den är till för åldern {insats.villkor.alder.text()}",
                     f"Stödet är för åldern {insats.villkor.alder.text()}."))
    barn = _child_ages(insats, profil)
    if insats.villkor.barn_alder.angivet and span_status(insats.villkor.barn_alder, barn) == UPPFYLLT:
        score += 1.5
        skal.append((f"den gäller barn {insats.villkor.barn_alder.text()}",
                     f"Stödet är för barn {insats.villkor.barn_alder.text()}."))
    if profil.anonym:
        if insats.anonym_mojlig:
            score += 1.0
            skal.append(("du kan vara anonym", "Du behöver inte säga vem du är."))
        else:
            score -= 1.0
    if profil.format:
        if profil.format in insats.format:
            score += 1.0
            skal.append(("den finns i grupp", "Stödet finns i en grupp.") if profil.format == "grupp"
                        else ("den finns enskilt", "Du kan få stödet utan en grupp."))
        else:
            score -= 0.5
    if profil.sprak:
        if any(profil.sprak.lower() in s.lower() for s in insats.sprak):
            score += 1.0
            skal.append((f"den finns på {profil.sprak}", f"Stödet finns på {profil.sprak}."))
    if profil.for_vem == "mitt-barn" and insats.kategori == "foraldraprogram" and "foraldraskap" in profil.amnen:
        score += 0.5
    if profil.relevans:
        score += RELEVANCE_WEIGHT * min(1.0, dict(profil.relevans).get(insats.id, 0.0))
    # An insats whose first topics say who it is for (nyanland: `malgrupp` in _amnen.yml) fits a
    # resident who has not said they belong there only after the others; it still fits (a score
    # above 0), so it can fill a short list.
    topics = v.amnen()
    if any(amne not in profil.amnen and topics.get(amne, {}).get("malgrupp") for amne in insats.amnen[:2]):
        score = max(score - MALGRUPP_PENALTY, 0.1)
    return score, skal


# Up to this much for the insats whose description is closest to the resident's words: about one
# topic position (3.0 vs 2.0) or a role, so it reorders insatser that fit alike, and rarely more.
RELEVANCE_WEIGHT = 2.0


# Whom an insats is for, as a reason (normal, lättläst), by the insats's role (vocabulary.FOR_VEM).
_ROLE_REASON = {
    "foralder": ("den vänder sig till föräldrar", "Stödet är för föräldrar."),
    "anhorig": ("den vänder sig till anhöriga och närstående", "Stödet är för anhöriga och närstående."),
    "familj": ("den vänder sig till par och familjer", "Stödet är för par och familjer."),
}


def _role_reason(roller: set, asker: str) -> tuple[str, str]:
    if "barn-ung" in roller and asker == "mitt-barn":
        return "den ger stöd direkt till ditt barn", "Stödet är för ditt barn."
    if "anhorig" in roller:
        return _ROLE_REASON["anhorig"]
    if "familj" in roller:
        return _ROLE_REASON["familj"]
    if "foralder" in roller:
        return _ROLE_REASON["foralder"]
    if asker == "anhorig":
        return "den kan ge stöd till den du är orolig för", "Stödet kan hjälpa den du är orolig för."
    return "den kan passa dig", "Stödet kan passa dig."


def _why(skal: list[tuple[str, str]]) -> str:
    if not skal:
        return "Den kan passa det du beskriver."
    delar = [normal for normal, _latt in skal]
    return "Den passar eftersom " + ", ".join(delar[:-1]) + (" och " if len(delar) > 1 else "") + delar[-1] + "."


def _why_lattlast(skal: list[tuple[str, str]]) -> str:
    """The same reasons in easy-to-read Swedish: one reason, one sentence."""
    return " ".join(latt for _normal, latt in skal) if skal else "Stödet kan passa dig."


MIN_FORSLAG = 3


def _nearby(kommun, profil: Profile, seen: set) -> list:
    """Candidates from the topics next to the main one (`narliggande` in _amnen.yml), for when
    fewer than three insatser fit the topics themselves; ranked after them, with that reason."""
    amnen = v.amnen()
    near = [a for a in amnen[profil.amnen[0]].get("narliggande", []) if a not in profil.amnen]
    if not near:
        return []
    wider = replace(profil, amnen=tuple(near))
    extra = []
    for insats in kommun.insatser:
        if insats.id in seen or insats.behovsprovad:
            continue
        if not set(insats.amnen[:2]) & set(near):
            continue   # the nearby topic must be one of the insats's own main topics
        score, skal = _score(insats, wider)
        if score <= 0:
            continue
        statuses, fel = _check_villkor(insats, kommun, wider)
        if fel or _age_unknown(insats, wider):
            continue   # an extra is shown only when we know its age limits fit
        okanda = sum(1 for s in statuses if s.status == OKANT)
        nara = v.amne_etikett(profil.amnen[0]).lower()
        skal.insert(0, (f"det ligger nära det du beskrev ({nara})", f"Stödet liknar det du frågar om: {nara}."))
        extra.append((score - 0.05 * okanda, insats.namn, insats, skal, statuses))
    extra.sort(key=lambda k: (-k[0], k[1]))
    return extra


def _guidance(kommun, profil: Profile, seen: set) -> list:
    """The municipality's general guidance (`vagledning: true`: information about one's rights and
    how to apply, whatever the need), for when fewer than three insatser fit even with the nearby
    topics: the resident whose need has no insats of its own, or needs an application, still gets a
    place to ask (blind dev4, dev5: housing, money and grief in Mellerud got one insats or none)."""
    extra = []
    for insats in kommun.insatser:
        if not insats.vagledning or insats.id in seen or insats.behovsprovad:
            continue
        statuses, fel = _check_villkor(insats, kommun, profil)
        if fel or _age_unknown(insats, profil):
            continue
        skal = [("den ger vägledning om vad du har rätt till och hur du söker stöd",
                 "Där får du veta vad du har rätt till och hur du söker stöd.")]
        extra.append((0.05, insats.namn, insats, skal, statuses))
    return sorted(extra, key=lambda k: k[1])


def _age_unknown(insats: Insats, profil: Profile) -> bool:
    spans, _ = _participants(insats, profil)
    own = insats.villkor.alder.angivet and span_status(insats.villkor.alder, spans) != UPPFYLLT
    child = insats.villkor.barn_alder.angivet and span_status(insats.villkor.barn_alder,
                                                              _child_ages(insats, profil)) != UPPFYLLT
    return bool(own or child)


def route(profil: Profile, catalogue: Optional[Catalogue] = None, nearby: bool = True) -> Resultat:
    """Ranks the municipality's insatser for a needs profile. Raises ProfileError/CatalogueError
    (Swedish messages) on invalid input. `nearby`: fill up to three from the nearby topics."""
    catalogue = catalogue or default_catalogue()
    profil.validate(catalogue)
    kommun = catalogue.kommun(profil.kommun)
    resultat = Resultat(kommun=kommun, profil=profil, ratt_att_ansoka=ratt_att_ansoka(kommun))

    kandidater = []
    for insats in kommun.insatser:
        score, skal = _score(insats, profil)
        if score <= 0:
            continue
        if insats.behovsprovad:
            resultat.kraver_ansokan.append(insats)
            continue
        statuses, fel = _check_villkor(insats, kommun, profil)
        if fel:
            resultat.villkor_ej_uppfyllda.append(EjUppfylld(insats, "; ".join(f for f, _l in fel),
                                                            " ".join(latt for _f, latt in fel)))
            continue
        okanda = sum(1 for s in statuses if s.status == OKANT)
        kandidater.append((score - 0.05 * okanda, insats.namn, insats, skal, statuses))

    kandidater.sort(key=lambda k: (-k[0], k[1]))
    if nearby and len(kandidater) < MIN_FORSLAG and profil.amnen:
        kandidater += _nearby(kommun, profil, {k[2].id for k in kandidater} |
                                   {i.id for i in resultat.kraver_ansokan} |
                                   {e.insats.id for e in resultat.villkor_ej_uppfyllda})[:MIN_FORSLAG - len(kandidater)]
    if nearby and len(kandidater) < MIN_FORSLAG and profil.amnen:
        kandidater += _guidance(kommun, profil, {k[2].id for k in kandidater} |
                                {e.insats.id for e in resultat.villkor_ej_uppfyllda})[:MIN_FORSLAG - len(kandidater)]
    for score, _namn, insats, skal, statuses in kandidater:
        resultat.rekommenderade.append(
            Rekommendation(insats=insats, poang=round(score, 2), varfor=_why(skal),
                           villkor=tuple(statuses), anonymitet=insats.anonymitet,
                           varfor_lattlast=_why_lattlast(skal))
        )
    return resultat


# Plausible values of a fact nobody has told us yet, to see whether it could change the answer.
_PLAUSIBLE_FOR_VEM = ("sig", "mitt-barn", "anhorig")
_PLAUSIBLE_OWN_AGES = (13, 16, 20, 35, 70)
_PLAUSIBLE_OTHER_AGES = (0, 4, 9, 13, 16, 19, 40)


def _top_ids(profil: Profile, catalogue: Catalogue, k: int) -> tuple[str, ...]:
    # Only the topics' own insatser decide whether a question matters: the nearby ones that fill
    # a short list are extras, not a reason to ask one more question.
    return tuple(r.insats.id for r in route(profil, catalogue, nearby=False).rekommenderade[:k])


def questions_that_matter(profil: Profile, unknown: tuple[str, ...], catalogue: Optional[Catalogue] = None,
                          k: int = 3) -> list[str]:
    """Which of the `unknown` facts ("for_vem", "alder", "barn_alder") would change the top `k`.

    A fact matters when some plausible value of it gives another set of top-k insatser than
    another plausible value: then asking changes the answer. Otherwise the bot and the guide
    recommend at once and show the villkor they cannot check as unknown. Ordered as asked:
    who it is for first (it decides whose age matters), then the age that applies.
    """
    catalogue = catalogue or default_catalogue()
    matters: list[str] = []
    if "for_vem" in unknown:
        results = {_top_ids(replace(profil, for_vem=f), catalogue, k) for f in _PLAUSIBLE_FOR_VEM}
        if len(results) > 1:
            matters.append("for_vem")
    if "alder" in unknown and profil.for_vem in ("sig", "familj"):
        results = {_top_ids(replace(profil, alder=a, alder_span=None), catalogue, k) for a in _PLAUSIBLE_OWN_AGES}
        if len(results) > 1:
            matters.append("alder")
    if "barn_alder" in unknown and profil.for_vem in ("mitt-barn", "anhorig"):
        results = {_top_ids(replace(profil, barn_alder=a, barn_aldrar=()), catalogue, k) for a in _PLAUSIBLE_OTHER_AGES}
        if len(results) > 1:
            matters.append("barn_alder")
    return matters


__all__ = [
    "questions_that_matter",
    "Profile", "ProfileError", "CatalogueError", "Resultat", "Rekommendation", "EjUppfylld",
    "VillkorStatus", "route", "UPPFYLLT", "EJ_UPPFYLLT", "OKANT",
]
