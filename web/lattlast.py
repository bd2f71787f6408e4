"""Lättläst (issue 13.6): the pages' fixed texts in easy-to-read Swedish, and the switch.

The switch is the query parameter `?lattlast=1`, so it works without JavaScript and without a
cookie: nothing is stored, and the server forgets it with the request. While it is on, every link
the pages make with `url_for` to a resident's page keeps it (`keep_switch`), and the GET forms carry
it as a hidden field, so it stays on while the resident moves between the guide, the insats pages
and the rest.

Templates keep their normal text and pass it through the `ll` filter:
`{{ "Stöd som kan passa i {kommun}"|ll(kommun=kommun.namn) }}`. With the switch on, the filter
gives TEXTER's easy-to-read version of that text (short sentences, common words, one idea per
sentence), else the text itself. A text without an entry is shown as it is: tests/web/test_lattlast.py
checks that every entry is used by a template and that a page with the switch on shows no normal
text that has an entry. Each insats's summary comes from the catalogue (`innehall_lattlast`,
`Insats.sammanfattning`), the right to apply and the contact sentence from insatskatalog.rights, the
emergency numbers' texts from data/_nodinformation.yml (`nar_lattlast`).
"""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, has_request_context, request
from jinja2 import pass_context

from insatskatalog.models import ANONYMITET_KORT
from insatskatalog.rights import ratt_att_ansoka

from .helpers import OM_STATISTIK, STATISTIK_MENING, STATUS

PARAM = "lattlast"

# The pages that show the switch and have their fixed texts here: every resident's page.
SIDOR = {
    "pages.index", "pages.kommun_start", "pages.chatt", "guide.steg", "guide.resultat",
    "catalogue_pages.lista", "catalogue_pages.insats", "catalogue_pages.foraldraprogram", "pages.tillganglighet",
}
# Links to these keep the switch on (not the widget's files, the API, the staff pages or /healthz).
BEHALLER = SIDOR

STATISTIK_LATTLAST = "Kommunen ser bara hur ofta olika ämnen tas upp varje vecka. Kommunen ser inte vem du är."

TEXTER: dict[str, str] = {
    # base.html: the banner, the menu, the footer
    "Hoppa till innehållet": "Gå direkt till sidans text",
    "Akut fara? Ring 112.": "Är någon i fara? Ring 112.",
    "Alla insatser": "Allt stöd",
    "Föräldraprogram": "Stöd för föräldrar",
    "Om någon är i fara just nu: ring 112.": "Är någon i fara just nu? Ring 112.",
    OM_STATISTIK: "Du behöver inte säga vem du är. Du behöver inte logga in. Det du skriver sparas inte. "
                  + STATISTIK_LATTLAST,
    STATISTIK_MENING: STATISTIK_LATTLAST,
    "Tillgänglighet": "Så fungerar sidan för alla",
    "Vad räknas i statistiken?": "Vad räknar kommunen?",
    # kommun.html
    "Stöd utan ansökan i {kommun}": "Stöd i {kommun} utan ansökan",
    "{namnd} erbjuder stöd som du kan få utan att ansöka och utan att någon prövar ditt behov. "
    "Du vänder dig direkt till verksamheten. Här kan du ta reda på vad som passar dig.":
        "{namnd} har stöd som du kan få utan att ansöka. Ingen behöver pröva ditt behov. "
        "Du kontaktar verksamheten själv. Här kan du se vad som passar dig.",
    "Chatta anonymt": "Chatta utan att säga vem du är",
    "Skriv med egna ord vad det gäller. Chatten föreslår stöd som kan passa.":
        "Skriv med dina egna ord. Chatten visar stöd som kan passa dig.",
    "Använd guiden": "Svara på några frågor",
    "Svara på högst fyra frågor genom att klicka. Fungerar utan JavaScript.":
        "Du svarar på fyra frågor eller färre. Du klickar på svaren.",
    "Se alla insatser": "Se allt stöd",
    "Allt stöd i {kommun} som du kan få utan ansökan, med sökning och filter.":
        "Här finns allt stöd i {kommun} som du kan få utan att ansöka. Du kan söka bland stödet.",
    "Hitta föräldraprogram": "Hitta stöd för föräldrar",
    "Föräldrakurser och föräldrastöd efter barnets ålder, din oro och form.":
        "Här finns kurser och stöd för föräldrar. Du väljer barnets ålder. Du väljer vad du är orolig för.",
    # chatt.html
    "Chatta anonymt med Insatsguiden": "Chatta med Insatsguiden utan att säga vem du är",
    "Chatten är ett program som föreslår stöd i {kommun}. Du pratar inte med en person.":
        "Chatten är ett datorprogram. Du pratar inte med en människa. Chatten visar stöd i {kommun}.",
    "Chatten behöver JavaScript. Du kan använda": "Chatten fungerar inte i din webbläsare. Använd",
    "i stället – den fungerar utan JavaScript.": "i stället.",
    # guide/steg.html
    "Guiden, steg {steg} av {antal}": "Guiden, fråga {steg} av {antal}",
    "Hitta stöd utan ansökan": "Hitta stöd. Du behöver inte ansöka.",
    "Steg {steg} av {antal}": "Fråga {steg} av {antal}",
    "Något behöver rättas": "Du behöver ändra något",
    "Vem gäller det?": "Vem behöver stöd?",
    "Åldern avgör vilka insatser som gäller. Du kan lämna tomt om du inte vill svara.":
        "Åldern visar vilket stöd som passar. Du behöver inte svara.",
    "Om det gäller ett barn i familjen: hur gammal är barnet?": "Gäller det ett barn i familjen? Hur gammal är barnet?",
    "Lämna tomt om det inte gäller ett barn.": "Skriv inget om det inte gäller ett barn.",
    "Vad gäller det?": "Vad handlar det om?",
    "Välj ett eller flera ämnen.": "Du kan välja flera.",
    "Önskemål": "Vad du vill",
    "Svara bara om det spelar roll för dig.": "Svara bara om det är viktigt för dig.",
    "Jag vill vara anonym": "Jag vill inte säga vem jag är",
    "Vill du ha stöd i grupp eller enskilt?": "Vill du vara i en grupp eller bara du?",
    "Spelar ingen roll": "Det spelar ingen roll",
    "I grupp": "I en grupp",
    "Enskilt, bara jag (eller vi)": "Bara jag (eller vi)",
    "Om du är under {alder} år behövs ofta att en vårdnadshavare säger ja. Har din vårdnadshavare sagt ja?":
        "Är du yngre än {alder} år? Då behöver en vårdnadshavare ofta säga ja. Har din vårdnadshavare sagt ja?",
    "Visa förslag": "Visa stöd som passar",
    "Nästa": "Nästa fråga",
    "Tillbaka": "Förra frågan",
    "Dina svar sparas inte. De finns bara i sidans adress, så att du kan gå tillbaka eller spara sidan.":
        "Vi sparar inte dina svar. Svaren finns bara i sidans adress. Då kan du gå tillbaka eller spara sidan.",
    # guide/resultat.html
    "Förslag från guiden": "Stöd som passar",
    "Dina svar": "Det här svarade du",
    "Det gäller": "Vem behöver stöd",
    "Ämne": "Vad det handlar om",
    "Det som passar bäst står först.": "Det som passar bäst kommer först.",
    "Stöd som kan passa i {kommun}": "Stöd i {kommun} som kan passa dig",
    "Vill vara anonym": "Vill inte säga vem du är",
    "Form": "Grupp eller bara du",
    "Förslag ({antal})": "Stöd som passar ({antal})",
    "Du behöver inte ansöka. Du vänder dig direkt till verksamheten, som bara kontrollerar villkoren.":
        "Du behöver inte ansöka. Du kontaktar verksamheten själv. Verksamheten kollar bara villkoren.",
    "Vi hittade inget som passar": "Vi hittade inget stöd som passar",
    "Vi hittade ingen insats i {kommun} som du kan få utan ansökan och som passar dina svar.":
        "Vi hittade inget stöd i {kommun} som passar dina svar.",
    "De här insatserna finns, men ett villkor stämmer inte med dina svar. Du kan ändå ansöka om stöd.":
        "Det här stödet finns. Men ett villkor stämmer inte med dina svar. Du kan ändå ansöka om stöd.",
    "Finns, men villkoren passar inte": "Finns, men villkoren stämmer inte",
    "Finns, men kräver ansökan": "Finns, men du måste ansöka",
    # _macros.html: cards, villkor, contact, the right to apply, the emergency box
    "Inga särskilda villkor.": "Det finns inga särskilda villkor.",
    STATUS["uppfyllt"][1]: "Stämmer",
    STATUS["ej_uppfyllt"][1]: "Stämmer inte",
    STATUS["okant"][1]: "Verksamheten kollar det",
    "Fråga socialtjänsten efter insatsen{vem}.": "Fråga socialtjänsten om stödet{vem}.",
    "Du har alltid rätt att ansöka": "Du kan alltid ansöka",
    "Om det är akut": "Om någon är i fara",
    "Villkor": "Det här gäller",
    "Kan jag vara anonym?": "Måste jag säga vem jag är?",
    # insatser/insats.html
    "Alla insatser i {kommun}": "Allt stöd i {kommun}",
    "Den här insatsen kräver ansökan.": "Du måste ansöka om det här stödet.",
    "Du får den efter att socialtjänsten har prövat ditt behov.": "Socialtjänsten prövar först om du behöver stödet.",
    "Kommunens beslut beskriver inte innehållet närmare.": "Kommunens beslut säger inte mer om stödet.",
    "Vänder sig till:": "Stödet är för:",
    "Målgruppen beskriver vilka kommunen vill nå. Bara villkoren kan göra att du inte kan delta.":
        "Texten ovan visar vem kommunen vill nå. Bara villkoren kan hindra dig från att vara med.",
    "Under {alder} år behövs vårdnadshavares samtycke.":
        "Är du yngre än {alder} år? Då måste en vårdnadshavare säga ja.",
    "Kräver remiss": "Du behöver en remiss",
    "Kommunens beslut anger inga särskilda villkor.": "Kommunens beslut har inga särskilda villkor.",
    "Omfattning": "Hur mycket",
    "Anges inte i kommunens beslut": "Det står inte i kommunens beslut",
    "Utförare": "Vem som ger stödet",
    "Fråga verksamheten om du kan vara anonym.": "Fråga verksamheten om du kan låta bli att säga vem du är.",
    "Dokumentation:": "Det här skrivs ner:",
    "Rätt att ansöka": "Du kan alltid ansöka",
    "Källa": "Här kommer texten ifrån",
    # insatser/lista.html
    "Stöd som {namnd} erbjuder utan ansökan.": "Stöd som du kan få utan att ansöka.",
    "Du vänder dig direkt till verksamheten.": "Du kontaktar verksamheten själv.",
    "Sök och filtrera insatser": "Sök stöd",
    "Sök med egna ord": "Sök med dina egna ord",
    "Visa alla": "Visa allt",
    "Utan ansökan ({antal})": "Du behöver inte ansöka ({antal})",
    "Inga insatser passar sökningen. Prova andra ord eller": "Inget stöd passar sökningen. Prova andra ord eller",
    "Kräver ansökan ({antal})": "Du måste ansöka ({antal})",
    "De här insatserna får du bara efter en ansökan och en prövning av ditt behov.":
        "Det här stödet får du bara om du ansöker. Socialtjänsten prövar först om du behöver det.",
    ANONYMITET_KORT["radgivning_14_4"]: "Du behöver inte säga vem du är",
    ANONYMITET_KORT["verksamhetsniva"]: "Ingen journal skrivs om dig",
    ANONYMITET_KORT["individniva_14_3"]: "Du måste säga vem du är i stödet",
    # foraldraprogram.html
    "Hitta föräldraprogram i {kommun}": "Hitta stöd för föräldrar i {kommun}",
    "Föräldrakurser och annat stöd till dig som förälder. Du behöver inte ansöka.":
        "Här finns kurser och annat stöd för dig som är förälder. Du behöver inte ansöka.",
    "Skriv åldern i år. Lämna tomt om du inte vill svara.": "Skriv hur många år barnet är. Du behöver inte svara.",
    "Grupp eller enskilt?": "I en grupp eller bara du?",
    "Svenska eller spelar ingen roll": "Svenska, eller det spelar ingen roll",
    "Visa program": "Visa stöd för föräldrar",
    "Föräldraprogram ({antal})": "Stöd för föräldrar ({antal})",
    "Kommunens beslut anger inte att något av programmen finns på {sprak}. Fråga verksamheten om tolk eller "
    "material på ditt språk.":
        "Kommunens beslut säger inte att något av stöden finns på {sprak}. Fråga verksamheten om tolk. "
        "Du kan också fråga om texter på ditt språk.",
    "Vi hittade inget föräldraprogram i {kommun} som passar dina svar.":
        "Vi hittade inget stöd för föräldrar i {kommun} som passar dina svar.",
    "Annat stöd till föräldrar ({antal})": "Mer stöd för föräldrar ({antal})",
    # tillganglighet.html (the paragraphs with a <strong> have their lättläst form in the template)
    "Tillgänglighetsredogörelse för Insatsguiden": "Så fungerar Insatsguiden för alla",
    "Kommunen står bakom Insatsguiden och vill att så många som möjligt ska kunna använda den. Här beskriver vi "
    "hur Insatsguiden uppfyller lagen (2018:1937) om tillgänglighet till digital offentlig service, vilka kända "
    "brister som finns och hur du kan rapportera problem.":
        "Kommunen står bakom Insatsguiden. Kommunen vill att alla ska kunna använda den. "
        "Det finns en lag om det: lagen (2018:1937) om tillgänglighet till digital offentlig service. "
        "Här står det hur Insatsguiden följer lagen. Här står det vad som inte fungerar bra. "
        "Här står det också hur du säger till om något inte fungerar.",
    "Hur tillgänglig är webbplatsen?": "Fungerar webbplatsen för alla?",
    "Du kan använda alla delar med bara tangentbordet.": "Du kan använda allt med bara tangentbordet.",
    "Guiden och sidorna med insatser fungerar utan JavaScript.": "Guiden och sidorna om stöd fungerar utan JavaScript.",
    "Nya meddelanden i chatten läses upp av skärmläsare.": "En skärmläsare läser upp nya meddelanden i chatten.",
    "Sidorna fungerar på små skärmar, ned till 320 pixlar breda, och när du förstorar texten.":
        "Sidorna fungerar på små skärmar. Skärmen kan vara 320 pixlar bred. "
        "Sidorna fungerar också när du gör texten större.",
    "Om ett villkor är uppfyllt visas med både text och symbol, inte bara med färg.":
        "Text och en symbol visar om ett villkor stämmer. Det visas inte bara med färg.",
    "Kända brister": "Det här fungerar inte bra",
    "Chatten kräver JavaScript. Använd guiden om chatten inte fungerar för dig.":
        "Chatten behöver JavaScript. Fungerar inte chatten för dig? Använd guiden i stället.",
    "Chatten är ett program. Den kan missförstå det du skriver. Skriv gärna kort och enkelt, eller använd guiden.":
        "Chatten är ett datorprogram. Den kan förstå fel. Skriv kort och enkelt. Du kan också använda guiden.",
    "Texterna om insatserna kommer från kommunens beslut. En del ord är svåra, till exempel lagtexternas namn.":
        "Texterna om stödet kommer från kommunens beslut. En del ord är svåra. Till exempel namnen på lagarna. "
        "Lättläst text om varje stöd finns bara för en del kommuner.",
    "Rapportera problem": "Säg till om något inte fungerar",
    "Tillsyn": "Vem kontrollerar?",
    "Myndigheten för digital förvaltning (Digg) har tillsyn över lagen om tillgänglighet till digital offentlig "
    "service. Om du inte är nöjd med hur kommunen hanterar dina synpunkter kan du anmäla det till Digg.":
        "Myndigheten för digital förvaltning (Digg) kontrollerar att lagen följs. "
        "Är du inte nöjd med hur kommunen tar hand om det du säger? Då kan du anmäla det till Digg.",
    "Hur vi har testat": "Så har vi testat",
    "Vi testar Insatsguiden automatiskt med verktyget axe-core, och vi testar chatten och guiden med bara "
    "tangentbordet i en webbläsare. Automatiska test hittar bara en del av alla problem, därför vill vi gärna "
    "höra från dig.":
        "Ett datorprogram testar Insatsguiden. Programmet heter axe-core. "
        "Vi testar också chatten och guiden med bara tangentbordet. "
        "Ett datorprogram hittar bara en del av alla problem. Därför vill vi gärna höra från dig.",
}
# The switch itself.
PA = "Lättläst"
AV = "Vanlig text"


def aktiv() -> bool:
    """True while this request's page is shown in lättläst (`?lattlast=1`)."""
    return has_request_context() and request.args.get(PARAM) == "1"


def ll(text: str, **values) -> str:
    """The `ll` template filter: the easy-to-read version of a fixed text while the switch is on."""
    if aktiv():
        text = TEXTER.get(text, text)
    return text.format(**values) if values else text


def vaxla_url() -> str:
    """This page with the switch flipped, every other parameter as it was."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != PARAM]
    if not aktiv():
        args.append((PARAM, "1"))
    return request.path + ("?" + urlencode(args) if args else "")


def med(url: str, params: list[tuple[str, str]]) -> str:
    """`url` with more query parameters (it may already carry ?lattlast=1)."""
    return url + ("&" if "?" in url else "?") + urlencode(params) if params else url


@pass_context  # never folded into the compiled template: Jinja evaluates a filter on a literal once otherwise
def _ll_filter(_context, text: str, **values) -> str:
    return ll(text, **values)


def keep_switch(endpoint: str, values: dict) -> None:
    if endpoint in BEHALLER and aktiv():
        values.setdefault(PARAM, "1")


def init_app(app: Flask) -> None:
    app.url_defaults(keep_switch)
    app.jinja_env.filters["ll"] = _ll_filter
    app.jinja_env.globals.update(lattlast=aktiv, lattlast_vaxla=vaxla_url, LATTLAST_SIDOR=SIDOR,
                                 LATTLAST_PA=PA, LATTLAST_AV=AV,
                                 # for _macros.html, whose own macro ratt_att_ansoka hides the global
                                 ratt_att_ansoka_lattlast=lambda kommun: ratt_att_ansoka(kommun, lattlast=True))
