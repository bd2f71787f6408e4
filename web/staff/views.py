"""Routes under /personal/ and the `flask personal …` commands."""
from __future__ import annotations

import datetime as dt
from typing import Optional
from urllib.parse import urlsplit

import click
from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for

from insatskatalog import statistics
from insatskatalog import vocabulary as v

from ..errors import ResidentError
from . import users
from . import data, render
from .data import ALLA, GRUPPER, KANALER, FelaktigtUrval, Urval
from .login import current_user, log_in, log_out, staff_db

bp = Blueprint("personal", __name__, cli_group="personal")

# Reachable without logging in.
OPPNA = {"personal.login", "personal.om_statistiken"}

FEL_INLOGGNING = "Fel användarnamn eller lösenord."


def _stat_db():
    return current_app.config.get("STATISTIK_DB") or statistics.default_target()


def _katalog():
    from ..helpers import catalogue
    try:
        return catalogue()
    except Exception:  # the statistics page works without the catalogue; only "no insats" needs it
        return None


def _saker_nasta(nasta: Optional[str]) -> Optional[str]:
    """Only a path on this site under /personal/ (no open redirect), and no control or line-break
    character anywhere (CR/LF would otherwise reach the Location header)."""
    if not nasta or len(nasta) > 2000 or "\\" in nasta or nasta.startswith("//"):
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 or ch in "\u0085\u2028\u2029" for ch in nasta):
        return None
    parts = urlsplit(nasta)
    if parts.scheme or parts.netloc or not parts.path.startswith("/personal/"):
        return None
    return nasta


# -- login / logout ------------------------------------------------------------------------

@bp.route("/login", methods=["GET", "POST"])
def login():
    nasta = _saker_nasta(request.values.get("nasta"))
    if request.method != "POST":  # GET, and HEAD (which Flask routes here too): only the form
        if current_user() is not None:
            return redirect(nasta or url_for(".oversikt"))
        return render_template("staff/login.html", nasta=nasta, fel=None, namn="")
    namn = request.form.get("anvandarnamn", "")[:100]
    losenord = request.form.get("losenord", "")
    throttle = current_app.extensions["personal_inloggning"]
    klient = request.remote_addr  # only ever used inside an in-memory HMAC
    allowed, vanta, ticket = throttle.attempt(namn, klient)
    if not allowed:
        tid = f"{vanta} sekunder" if vanta < 120 else f"{(vanta + 59) // 60} minuter"
        raise ResidentError(429, f"För många misslyckade inloggningar. Vänta {tid} och försök igen. "
                       "Kontakta den som administrerar Insatsguiden om du har glömt ditt lösenord.",
                  headers={"Retry-After": str(vanta)})
    user = users.authenticate(staff_db(), namn, losenord)
    if user is None:
        throttle.failed(ticket)
        return render_template("staff/login.html", nasta=nasta, fel=FEL_INLOGGNING,
                               namn=users.normalise(namn)[:40]), 401
    throttle.succeeded(namn, klient, ticket)
    log_in(user)
    return redirect(nasta or url_for(".oversikt"))


@bp.post("/logga-ut")
def logga_ut_vy():
    log_out()
    return redirect(url_for(".login", utloggad=1))


# -- public page -----------------------------------------------------------------------------

@bp.get("/om-statistiken")
def om_statistiken():
    return render_template("staff/om_statistiken.html", utfall=statistics.UTFALL, user=current_user())


# -- dashboard and export --------------------------------------------------------------------

def _kommunval(user: users.User) -> list[tuple[str, str]]:
    katalog = _katalog()
    if not user.admin:
        return [(user.kommun, render.kommun_namn(user.kommun, katalog))]
    return [(ALLA, render.kommun_namn(ALLA))] + [(k, render.kommun_namn(k, katalog)) for k in GRUPPER]


def _urval(user: users.User) -> Urval:
    """The validated filters, or Fel 403 / FelaktigtUrval."""
    asked = (request.args.get("kommun") or "").strip()
    if asked and asked in (*GRUPPER, ALLA) and not user.far_se(asked):
        raise ResidentError(403, "Du har bara behörighet att se statistiken för "
                       f"{render.kommun_namn(user.kommun, _katalog())}.")
    urval = data.tolka_urval(request.args, user.kommun or ALLA)
    if not user.far_se(urval.kommun):
        raise ResidentError(403)
    return urval


def _bygg_sida(urval: Urval) -> render.Sida:
    katalog = _katalog()
    skyddad = data.skyddad(_stat_db(), urval)
    andra = None
    if urval.kommun == ALLA:
        andra = {k: data.skyddad(_stat_db(), urval, grupp=k).vy(urval.kanal) for k in v.KOMMUN_IDS}
    return render.bygg(skyddad, urval, katalog, andra)


def kvartal_namn(kvartal: str) -> str:
    return f"Kvartal {kvartal[-1]} {kvartal[:4]}"


def _kvartalval(args) -> list[tuple[str, str]]:
    """The quarters that have ended (the latest eight), and the one asked for if it is older."""
    val = data.avslutade_kvartal(dt.date.today())
    asked = (args.get("kvartal") or "").strip()
    if asked and asked not in val and data.KVARTAL_RE.match(asked):
        val.append(asked)
    return [(k, kvartal_namn(k)) for k in val]


def _formular(user, args) -> dict:
    return {
        "kommunval": _kommunval(user),
        "amnesval": [(a, data.amne_etikett(a)) for a in data.amnen()],
        "kanalval": list(KANALER.items()),
        "kvartalval": _kvartalval(args),
        "kvartal_namn": kvartal_namn,
        "varden": {k: (args.get(k) or "").strip()[:20] for k in ("kommun", "kvartal", "amne", "kanal")},
        "utfall_etiketter": list(statistics.UTFALL.items()),
    }


@bp.get("/")
def oversikt():
    user = current_user()
    try:
        urval = _urval(user)
    except FelaktigtUrval as e:
        return render_template("staff/oversikt.html", user=user, sida=None, fel=e.fel,
                               **_formular(user, request.args)), 400
    sida = _bygg_sida(urval)
    form = _formular(user, urval.params())
    return render_template("staff/oversikt.html", user=user, sida=sida, fel=None,
                           export_url=url_for(".export_csv", **urval.params()), **form)


@bp.get("/export.csv")
def export_csv():
    user = current_user()
    try:
        urval = _urval(user)
    except FelaktigtUrval as e:
        raise ResidentError(400, "Filtret gick inte att använda: " + " ".join(e.fel.values())) from None
    sida = _bygg_sida(urval)
    namn = f"insatsguiden-statistik-{urval.kommun}-{urval.kvartal}.csv"
    return Response(render.csv_text(sida), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{namn}"'})


# -- CLI: flask --app web personal … -------------------------------------------------------------

def _las_losenord(losenord: Optional[str]) -> str:
    if losenord is not None:
        return losenord
    return click.prompt("Lösenord", hide_input=True, confirmation_prompt="Upprepa lösenordet")


@bp.cli.command("skapa-anvandare")
@click.argument("namn")
@click.option("--kommun", type=click.Choice(v.KOMMUN_IDS), help="Kommunen vars statistik användaren får se.")
@click.option("--admin", is_flag=True, help="Administratör: får se alla kommuner.")
@click.option("--losenord", help="Lösenordet (annars frågar kommandot; använd bara i tester).")
def skapa_anvandare(namn, kommun, admin, losenord):
    """Skapar ett konto för personalens statistik."""
    if bool(kommun) == bool(admin):
        raise click.UsageError("Ange antingen --kommun KOMMUN eller --admin.")
    try:
        user = users.create(staff_db(), namn, _las_losenord(losenord), kommun=kommun, admin=admin)
    except users.UserError as e:
        raise click.ClickException(str(e)) from None
    vad = "administratör (alla kommuner)" if user.admin else f"personal i {user.kommun}"
    click.echo(f"Skapade {user.namn}: {vad}.")


@bp.cli.command("satt-losenord")
@click.argument("namn")
@click.option("--losenord", help="Det nya lösenordet (annars frågar kommandot; använd bara i tester).")
def satt_losenord(namn, losenord):
    """Byter lösenord. Användaren loggas ut överallt."""
    try:
        users.set_password(staff_db(), namn, _las_losenord(losenord))
    except users.UserError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"Nytt lösenord för {users.normalise(namn)}.")


@bp.cli.command("lista")
def lista():
    """Visar alla konton (utan lösenord)."""
    for u in users.list_all(staff_db()):
        click.echo(f"{u.namn}\t{u.roll}\t{u.kommun or 'alla kommuner'}")


@bp.cli.command("ta-bort")
@click.argument("namn")
def ta_bort(namn):
    """Tar bort ett konto. Användaren loggas ut överallt."""
    try:
        users.delete(staff_db(), namn)
    except users.UserError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"Tog bort {users.normalise(namn)}.")
