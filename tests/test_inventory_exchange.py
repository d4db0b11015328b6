"""The inventory as a CSV or JSON file: exported, previewed, imported in one transaction."""

import csv
import io
import json
import re

import pytest
import sqlalchemy as sa

from portal_cookies.demo import load_demo_portal
from portal_cookies.extensions import db
from portal_cookies.inventory import services as inventory
from portal_cookies.models import (
    AuditEvent,
    Category,
    CookieEntry,
    PendingImport,
    Provider,
    Role,
    TextOrigin,
    TextVersion,
)
from portal_cookies.portal import update_portal
from portal_cookies.service_errors import ServiceError
from portal_cookies.spreadsheet import neutralise_cell, restore_cell
from tests.helpers import count_rows, csrf_token, log_in

NEW, CHANGED, UNCHANGED, INVALID = (
    inventory.ImportStatus.NEW,
    inventory.ImportStatus.CHANGED,
    inventory.ImportStatus.UNCHANGED,
    inventory.ImportStatus.INVALID,
)


def empty_the_inventory() -> None:
    """Leave the portal's settings, take every entry, provider and category away."""
    for entry in db.session.scalars(sa.select(CookieEntry)).all():
        if not entry.archived:
            inventory.archive_entry(entry, actor=None)
        inventory.delete_entry(entry, actor=None)
    for category in db.session.scalars(sa.select(Category)).all():
        inventory.delete_category(category, actor=None)
    for provider in db.session.scalars(sa.select(Provider)).all():
        inventory.delete_provider(provider, actor=None)


def set_up_portal() -> None:
    update_portal(
        actor=None,
        name="Portail",
        base_url="https://data.example.org",
        source_language="fr",
        languages=["fr", "en"],
    )


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def to_csv(table: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(table[0]))
    writer.writeheader()
    writer.writerows(table)
    return buffer.getvalue().encode()


def inventory_state() -> tuple[int, int, int, int, int]:
    return (
        count_rows(CookieEntry),
        count_rows(Provider),
        count_rows(Category),
        count_rows(TextVersion),
        count_rows(AuditEvent),
    )


@pytest.fixture
def demo(runner):
    load_demo_portal()


# --- Round trips --------------------------------------------------------------------------


@pytest.mark.parametrize("format", ["csv", "json"])
def test_an_export_imported_into_an_empty_portal_exports_identically(demo, format):
    data = inventory.export_inventory(format)
    # The same portal reads its own export as unchanged.
    preview = inventory.preview_import(data)
    assert {item.status for item in preview.items} == {UNCHANGED}
    assert preview.counts[UNCHANGED] == len(preview.items) >= 4

    empty_the_inventory()
    assert count_rows(CookieEntry) == 0
    preview = inventory.apply_import(data, actor=None)
    assert preview.counts[NEW] >= 6
    assert inventory.export_inventory(format) == data


def test_the_json_export_reproduces_unused_categories_and_providers_too(demo):
    data = inventory.export_inventory("json")
    document = json.loads(data)
    assert [category["slug"] for category in document["categories"]] == [
        "necessary",
        "statistics",
        "preferences",
        "marketing",
    ]
    assert document["entries"][0]["duration"] == {"kind": "fixed", "value": 2, "unit": "weeks"}
    assert document["entries"][0]["function"] == {"fr": "Authentification", "en": "Authentication"}
    empty_the_inventory()
    inventory.apply_import(data, actor=None)
    assert count_rows(Category) == 4


def test_imported_texts_are_text_versions_by_the_actor_and_each_change_is_recorded(demo, make_user):
    data = inventory.export_inventory("csv")
    empty_the_inventory()
    operator = make_user(Role.OPERATOR)
    inventory.apply_import(data, actor=operator)
    entry = db.session.scalar(sa.select(CookieEntry).order_by(CookieEntry.id))
    english = entry.function_unit.current_version("en")
    assert (english.text, english.author, english.origin) == (
        "Authentication",
        operator,
        TextOrigin.IMPORT,
    )
    assert entry.function_unit.current_version("fr").author == operator
    actions = db.session.execute(
        sa.select(AuditEvent.action, AuditEvent.object_type).where(
            AuditEvent.actor_id == operator.id
        )
    ).all()
    assert ("create", "CookieEntry") in actions
    assert ("create", "Provider") in actions
    assert ("import", "TextUnit") in actions


# --- Preview ------------------------------------------------------------------------------


def test_the_preview_shows_each_changed_field_and_changes_nothing(demo):
    table = rows(inventory.export_inventory("csv"))
    table[1]["duration_value"] = "6"
    table[1]["function_en"] = "Language"
    table[2]["names"] = "csrftoken csrf_extra"
    before = inventory_state()
    preview = inventory.preview_import(to_csv(table))
    assert inventory_state() == before
    changed = {item.label: item for item in preview.items if item.status == CHANGED}
    assert set(changed) == {"django_language", "csrftoken, csrf_extra"}
    fields = {(c.field, c.before, c.after) for c in changed["django_language"].changes}
    assert ("Duration value", "12", "6") in fields
    assert ("Function (English)", "Language selection", "Language") in fields
    assert ("Cookie names", "csrftoken", "csrftoken, csrf_extra") in {
        (c.field, c.before, c.after) for c in changed["csrftoken, csrf_extra"].changes
    }
    inventory.apply_import(to_csv(table), actor=None)
    assert inventory.preview_import(to_csv(table)).counts[CHANGED] == 0


def test_a_new_row_is_new_and_an_archived_flag_archives(demo):
    table = rows(inventory.export_inventory("csv"))
    table.append({**table[0], "names": "_pk_id.*", "function_fr": "Mesure", "archived": "true"})
    table[0]["archived"] = "true"
    preview = inventory.apply_import(to_csv(table), actor=None)
    assert [item.status for item in preview.items if item.kind == "entry"] == [
        CHANGED,
        UNCHANGED,
        UNCHANGED,
        UNCHANGED,
        NEW,
    ]
    archived = db.session.scalars(sa.select(CookieEntry).where(CookieEntry.archived)).all()
    assert sorted(entry.label for entry in archived) == ["_pk_id.*", "sessionid"]


# --- Invalid rows -------------------------------------------------------------------------


def bad_table():
    table = rows(inventory.export_inventory("csv"))
    table[0]["duration_value"] = "6"
    table.append({**table[0], "names": "matomo", "storage_kind": "cookie_jar"})
    table.append({**table[0], "names": "_ga", "function_fr": ""})
    return table


def test_one_bad_row_applies_nothing_and_says_which_row_and_why(demo):
    before = inventory_state()
    with pytest.raises(ServiceError) as refused:
        inventory.apply_import(to_csv(bad_table()), actor=None)
    assert inventory_state() == before
    assert "Row 6" in refused.value.message
    assert "Storage: Choose one of the options." in refused.value.message
    preview = inventory.preview_import(to_csv(bad_table()))
    assert [(item.places, item.reasons) for item in preview.invalid] == [
        (["Row 6"], ["Storage: Choose one of the options."]),
        (["Row 7"], ["Function: Give the function, e.g. “Authentication”."]),
    ]


def test_skipping_invalid_rows_applies_the_others(demo):
    preview = inventory.apply_import(to_csv(bad_table()), skip_invalid=True, actor=None)
    assert preview.counts[INVALID] == 2
    names = {
        name for entry in db.session.scalars(sa.select(CookieEntry)) for name in entry.name_list
    }
    assert "matomo" not in names and "_ga" not in names
    sessionid = db.session.scalar(sa.select(CookieEntry).order_by(CookieEntry.id))
    assert sessionid.duration_value == 6


def test_a_row_the_entry_form_would_refuse_is_refused(demo):
    table = rows(inventory.export_inventory("csv"))
    for problem, expected in [
        ({"names": "bad name;"}, "not a valid cookie name"),
        ({"names": "_ga", "consent_basis": "exempt", "exemption_ground": ""}, "ground"),
        ({"names": "_ga", "party": "third", "domain": ""}, "domain"),
        ({"names": "_ga", "duration_value": "many"}, "“many” is not a whole number"),
        ({"names": "_ga", "visible": "maybe"}, "write true or false"),
        ({"names": "_ga", "last_reviewed_on": "2099-01-01"}, "future"),
        (
            {"names": "_ga", "category": "unknown", "category_name_fr": ""},
            "The category “unknown” does not exist",
        ),
        ({"names": "_ga", "provider": "Other", "provider_country": "XX"}, "Choose a country"),
    ]:
        bad = [*table, {**table[0], **problem}]
        preview = inventory.preview_import(to_csv(bad))
        assert len(preview.invalid) >= 1, problem
        assert expected in " ".join(preview.invalid[-1].reasons), (problem, preview.invalid)


def test_two_rows_declaring_one_name_are_refused(demo):
    table = rows(inventory.export_inventory("csv"))
    table.append({**table[0], "names": "_ga"})
    table.append({**table[0], "names": "_ga _gid"})
    preview = inventory.preview_import(to_csv(table))
    assert preview.invalid[0].places == ["Row 7"]
    assert preview.invalid[0].reasons == ["“_ga” on this domain is also declared in Row 6."]


def test_rows_that_disagree_about_a_provider_are_refused(demo):
    table = rows(inventory.export_inventory("csv"))
    table[2]["provider_website"] = "https://elsewhere.example.org"
    preview = inventory.preview_import(to_csv(table))
    assert "Row 4 gives “Opendatasoft” another website than Row 2." in preview.invalid[0].reasons


# --- Spreadsheet safety and malformed files -----------------------------------------------


@pytest.mark.parametrize(
    "value", ["=1+1", "+33", "-x", "@SUM(A1)", "\tx", "'=already", "''-two", "'plain", "plain"]
)
def test_a_cell_is_neutralised_and_restored_exactly(value):
    cell = neutralise_cell(value)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert restore_cell(cell) == value


def test_formulas_are_neutralised_on_export_and_come_back_unchanged(demo):
    entry = db.session.scalar(sa.select(CookieEntry).order_by(CookieEntry.id))
    data = inventory.export_inventory("csv")
    table = rows(data)
    table[0]["notes"] = '=HYPERLINK("http://evil.example")'
    table[0]["purpose_en"] = "- a list item"
    inventory.apply_import(to_csv(table), actor=None)
    exported = rows(inventory.export_inventory("csv"))[0]
    assert exported["notes"] == '\'=HYPERLINK("http://evil.example")'
    assert exported["purpose_en"] == "'- a list item"
    db.session.refresh(entry)
    assert entry.notes == '=HYPERLINK("http://evil.example")'
    assert entry.purpose_unit.text("en") == "- a list item"
    assert inventory.preview_import(inventory.export_inventory("csv")).counts[CHANGED] == 0


def test_the_bom_is_an_option_and_either_way_reads_back(demo):
    plain = inventory.export_inventory("csv")
    with_bom = inventory.export_inventory("csv", bom=True)
    assert not plain.startswith(b"\xef\xbb\xbf")
    assert with_bom == b"\xef\xbb\xbf" + plain
    crlf = plain.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    for data in (plain, with_bom, crlf):
        assert {item.status for item in inventory.preview_import(data).items} == {UNCHANGED}
    with pytest.raises(ServiceError, match="for CSV files only"):
        inventory.export_inventory("json", bom=True)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "The file is empty."),
        ("names,provider,category\n_ga,Matomo,stats\n".encode("utf-16"), "not UTF-8"),
        (b"names,provider\n_ga,Matomo\n", "Missing columns: category."),
        (b"names,provider,category,colour\n", "Unknown columns: colour."),
        (b"names,provider,category,function_de\n", "Unknown columns: function_de."),
        (b"names,names,provider,category\n", "Columns given twice: names."),
        (b'{"entries": []}', "is not a portal-cookies inventory"),
        (b'{"format": "portal-cookies-inventory", "version": 1,', "cannot be read"),
        (b"x" * (5 * 1024 * 1024 + 1), "larger than 5 MB"),
    ],
)
def test_a_malformed_file_is_refused_with_a_clear_message(demo, data, message):
    before = inventory_state()
    with pytest.raises(ServiceError, match=re.escape(message)):
        inventory.preview_import(data)
    with pytest.raises(ServiceError, match=re.escape(message)):
        inventory.apply_import(data, skip_invalid=True, actor=None)
    assert inventory_state() == before


def test_a_row_with_a_missing_cell_says_so(demo):
    data = b"names,provider,category\n_ga,Matomo\n"
    preview = inventory.preview_import(data)
    assert preview.invalid[0].reasons == ["This row has 2 cells; the header has 3."]


def test_json_fields_of_the_wrong_type_are_refused_per_entry(demo):
    document = json.loads(inventory.export_inventory("json"))
    document["entries"][1]["visible"] = "yes"
    document["entries"][2]["colour"] = "blue"
    preview = inventory.preview_import(json.dumps(document).encode())
    assert [(item.places, item.reasons) for item in preview.invalid] == [
        (["Entry 2"], ["Shown on the policy: write true or false."]),
        (["Entry 3"], ["“colour” is not a field of the format."]),
    ]


def test_an_import_creates_missing_providers_and_categories_by_name(runner):
    set_up_portal()
    data = (
        b"names,domain,provider,category,storage_kind,party,locations,function_fr,function_en,"
        b"purpose_fr,duration_kind,duration_value,duration_unit,consent_basis,category_name_fr,"
        b"provider_country\n"
        b"_pk_id.*,,Matomo,statistics,http_cookie,first,front_office,Mesure,Measurement,"
        b"Compter les visites.,fixed,13,months,consent,Statistiques,FR\n"
    )
    preview = inventory.apply_import(data, actor=None)
    assert preview.counts[NEW] == 3
    entry = db.session.scalar(sa.select(CookieEntry))
    assert (entry.provider.name, entry.provider.country, entry.category.slug) == (
        "Matomo",
        "FR",
        "statistics",
    )
    assert entry.function_unit.text("en") == "Measurement"


# --- In the browser -----------------------------------------------------------------------


def upload(client, data: bytes, name: str = "inventory.csv"):
    return client.post(
        "/admin/inventory/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def token_of(page: str) -> str:
    return re.search(r'name="token"[^>]*value="([^"]+)"', page).group(1)


def test_an_operator_exports_from_the_inventory_page(client, demo):
    log_in(client, Role.OPERATOR)
    assert "/admin/inventory/exchange" in client.get("/admin/inventory/").text
    response = client.get("/admin/inventory/export?format=csv&bom=y")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="cookie-inventory-' in response.headers["Content-Disposition"]
    assert response.data == inventory.export_inventory("csv", bom=True)
    response = client.get("/admin/inventory/export?format=json")
    assert response.data == inventory.export_inventory("json")


def test_upload_preview_then_confirm(client, demo, csrf_enabled):
    log_in(client, Role.OPERATOR)
    page = client.get("/admin/inventory/exchange").text
    table = rows(inventory.export_inventory("csv"))
    table[1]["duration_value"] = "6"
    response = client.post(
        "/admin/inventory/import",
        data={"file": (io.BytesIO(to_csv(table)), "edited.csv"), "csrf_token": csrf_token(page)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "Duration value" in response.text and "edited.csv" in response.text
    entry = db.session.scalar(sa.select(CookieEntry).order_by(CookieEntry.id).offset(1))
    assert entry.duration_value == 12
    assert count_rows(PendingImport) == 1
    # The confirmation needs its form's CSRF token.
    token = token_of(response.text)
    refused = client.post("/admin/inventory/import/confirm", data={"token": token})
    assert refused.status_code == 400
    response = client.post(
        "/admin/inventory/import/confirm",
        data={"token": token, "csrf_token": csrf_token(response.text)},
    )
    assert response.status_code == 302
    db.session.refresh(entry)
    assert entry.duration_value == 6
    assert count_rows(PendingImport) == 0


def test_an_import_with_an_invalid_row_applies_only_when_told_to_skip(client, demo):
    log_in(client, Role.OPERATOR)
    response = upload(client, to_csv(bad_table()))
    assert "Row 6" in response.text and "Storage: Choose one of the options." in response.text
    token = token_of(response.text)
    before = inventory_state()
    response = client.post("/admin/inventory/import/confirm", data={"token": token})
    assert response.status_code == 422
    assert "nothing was imported" in response.text
    assert inventory_state() == before
    response = client.post(
        "/admin/inventory/import/confirm", data={"token": token, "skip_invalid": "y"}
    )
    assert response.status_code == 302
    sessionid = db.session.scalar(sa.select(CookieEntry).order_by(CookieEntry.id))
    assert sessionid.duration_value == 6


def test_a_malformed_upload_is_refused_and_nothing_is_kept(client, demo):
    log_in(client, Role.OPERATOR)
    response = upload(client, b"names;provider;category\n")
    assert response.status_code == 422
    assert "Unknown columns: names;provider;category." in response.text
    assert count_rows(PendingImport) == 0


def test_only_the_uploader_can_confirm_an_import(client, second_auth, demo):
    log_in(client, Role.OPERATOR)
    table = rows(inventory.export_inventory("csv"))
    table[0]["notes"] = "changed"
    token = token_of(upload(client, to_csv(table)).text)
    log_in(second_auth.client, Role.OPERATOR)
    response = second_auth.client.post("/admin/inventory/import/confirm", data={"token": token})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(CookieEntry).order_by(CookieEntry.id)).notes == ""
    assert count_rows(PendingImport) == 1


def test_a_translator_can_neither_export_nor_import(client, demo):
    log_in(client, Role.TRANSLATOR)
    assert "/admin/inventory/exchange" not in client.get("/admin/inventory/").text
    assert client.get("/admin/inventory/export?format=csv").status_code == 403
    before = inventory_state()
    assert upload(client, inventory.export_inventory("csv")).status_code == 403
    assert count_rows(PendingImport) == 0
    assert inventory_state() == before


# --- On the command line ------------------------------------------------------------------


def test_the_command_line_exports_and_imports(runner, demo, tmp_path):
    path = tmp_path / "inventory.csv"
    result = runner.invoke(args=["inventory", "export", "--bom", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == inventory.export_inventory("csv", bom=True)
    json_path = tmp_path / "inventory.json"
    runner.invoke(args=["inventory", "export", "--format", "json", str(json_path)])
    assert json_path.read_bytes() == inventory.export_inventory("json")
    refused = runner.invoke(args=["inventory", "export", "--format", "json", "--bom", "-"])
    assert refused.exit_code == 1 and "for CSV files only" in refused.output

    table = rows(path.read_bytes())
    table[0]["notes"] = "checked"
    path.write_bytes(to_csv(table))
    result = runner.invoke(args=["inventory", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "changed\tRow 2\tentry\tsessionid\n\tInternal notes: — -> checked" in result.output
    assert "Nothing changed: give --apply to import." in result.output
    assert db.session.scalar(sa.select(CookieEntry).order_by(CookieEntry.id)).notes == ""
    result = runner.invoke(args=["inventory", "import", "--apply", str(path)])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(CookieEntry).order_by(CookieEntry.id)).notes == "checked"


def test_the_command_line_refuses_invalid_rows_unless_told_to_skip(runner, demo, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(to_csv(bad_table()))
    before = inventory_state()
    result = runner.invoke(args=["inventory", "import", "--apply", str(path)])
    assert result.exit_code == 1
    assert "invalid\tRow 6\tentry\tmatomo\n\tStorage: Choose one of the options." in result.output
    assert "nothing was imported" in result.output
    assert inventory_state() == before
    result = runner.invoke(args=["inventory", "import", "--apply", "--skip-invalid", str(path)])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(CookieEntry).order_by(CookieEntry.id)).duration_value == 6
    malformed = tmp_path / "malformed.csv"
    malformed.write_bytes(b"names,provider\n")
    result = runner.invoke(args=["inventory", "import", "--apply", str(malformed)])
    assert result.exit_code == 1 and "Missing columns: category." in result.output
