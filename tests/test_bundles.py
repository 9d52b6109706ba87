"""Export bundles: archives opened safely, references resolved, exports discovered as one."""

import io
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest

from ingest import bundles, sources
from ingest.errors import IngestError
from tests.conftest import FIXTURES

ESDH = FIXTURES / "esdh"
PUBLICATION = (ESDH / "sbsys-publication-ballerup-2013-05-15.zip").read_bytes()
MANIFEST = zipfile.ZipFile(io.BytesIO(PUBLICATION)).read("Publication32/Publication32.xml")


def make_zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def make_tar(members: list[tarfile.TarInfo | tuple[str, bytes]], compress=True) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz" if compress else "w") as archive:
        for member in members:
            if isinstance(member, tarfile.TarInfo):
                archive.addfile(member)
            else:
                info = tarfile.TarInfo(member[0])
                info.size = len(member[1])
                archive.addfile(info, io.BytesIO(member[1]))
    return out.getvalue()


def refused(data: bytes) -> str:
    with pytest.raises(IngestError) as error:
        bundles.open_archive(data, "eksport.zip")
    return error.value.message


# --- hostile archives -------------------------------------------------------------------


def test_a_zip_bomb_is_refused_by_its_compression_ratio():
    bomb = make_zip(
        {"Publication32/Publication32.xml": MANIFEST, "bilag.pdf": b"\0" * 20 * 1024**2}
    )
    assert "zip-bombe" in refused(bomb)


def test_a_gzip_bomb_is_refused_while_it_unpacks():
    bomb = make_tar([("dagsorden.xml", b"\0" * 30 * 1024**2)])
    assert len(bomb) < 100_000
    assert "zip-bombe" in refused(bomb)


def test_too_many_members_are_refused(monkeypatch):
    monkeypatch.setattr(bundles, "MAX_MEMBERS", 5)
    many = make_zip({f"Enclosures/{n}.pdf": b"%PDF-1.4" for n in range(6)})
    assert "mere end 5 filer" in refused(many)


def test_too_much_unpacked_data_is_refused(monkeypatch):
    monkeypatch.setattr(bundles, "MAX_TOTAL_BYTES", 1000)
    big = make_tar([("a.pdf", b"x" * 600), ("b.pdf", b"y" * 600)])
    assert "fylder udpakket mere end" in refused(big)


@pytest.mark.parametrize(
    "name", ["../../etc/cron.d/evil.xml", "/etc/passwd", "C:\\Windows\\evil.xml", "a/../../b.pdf"]
)
def test_paths_that_climb_out_of_the_archive_are_refused(name):
    assert "peger uden for arkivet" in refused(make_zip({name: b"<x/>"}))
    assert "peger uden for arkivet" in refused(make_tar([(name, b"<x/>")]))


@pytest.mark.parametrize(
    "kind", [tarfile.SYMTYPE, tarfile.LNKTYPE, tarfile.CHRTYPE, tarfile.BLKTYPE, tarfile.FIFOTYPE]
)
def test_links_and_devices_in_a_tar_are_refused(kind):
    special = tarfile.TarInfo("test/Punkt_1_Bilag_1.pdf")
    special.type = kind
    special.linkname = "/etc/shadow"
    data = make_tar([("test/dagsorden.xml", b"<Dagsorden/>"), special])
    assert "link eller en enhed" in refused(data)


def test_a_symlink_in_a_zip_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        info = zipfile.ZipInfo("Enclosures/1.pdf")
        info.external_attr = 0o120777 << 16
        archive.writestr(info, "/etc/shadow")
    assert "link eller en enhed" in refused(out.getvalue())


def test_an_archive_inside_the_archive_is_refused():
    inner = make_zip({"Publication32/Publication32.xml": MANIFEST})
    assert "et andet arkiv" in refused(make_zip({"inner.zip": inner, "x.xml": MANIFEST}))
    assert "et andet arkiv" in refused(make_tar([("inner.tar.gz", make_tar([("a", b"a")]))]))


def test_an_office_document_is_not_taken_for_an_archive():
    docx = (ESDH / "acadre-syddjurs-2013-06-20/Files_1863_3687982/3525829E1.DOCX").read_bytes()
    assert bundles.archive_kind(docx) is None
    assert bundles.archive_kind(PUBLICATION) == "zip"
    assert bundles.archive_kind(make_tar([("a", b"a")], compress=False)) == "tar"
    # ...and a docx inside an export is a bilag, not a nested archive.
    assert bundles.open_archive(make_zip({"a.docx": docx})).files() == ["a.docx"]


@pytest.mark.django_db
def test_a_hostile_archive_stores_nothing_and_says_why_in_one_line(tmp_path, capsys):
    from django.core.management import call_command

    from tests.conftest import counts

    path = tmp_path / "eksport.zip"
    path.write_bytes(make_zip({"../escape.xml": MANIFEST}))
    with pytest.raises(SystemExit) as exit_code:
        call_command("ingest", str(path), "--municipality", "Ballerup")
    assert exit_code.value.code == 1
    errors = capsys.readouterr().err.strip().splitlines()
    assert len([line for line in errors if line.startswith("FEJL")]) == 1
    assert "peger uden for arkivet" in errors[0] and "Traceback" not in errors[0]
    assert counts() == (0, 0, 0, 0, 0)


# --- resolving references ---------------------------------------------------------------


def test_references_resolve_as_the_systems_write_them():
    bundle = bundles.MemoryBundle(
        "x",
        {
            "Publication32/Publication32.xml": b"",
            "Publication32/Enclosures/1.pdf": b"1",
            "v2/Attachments/6104646-6648381-1.PDF": b"2",
            "test/Punkt_1_Bilag_1_Test_igen.pdf": b"3",
            "Files_1/Politik for Kultur, byrådet.pdf": b"4",
            "Files_1/3687981.XML": b"5",
        },
    )
    bundle.at("Publication32/Publication32.xml")
    assert bundle.find("Enclosures\\1.pdf") == "Publication32/Enclosures/1.pdf"
    # An absolute Windows path from the publishing server: the one file of that name.
    assert bundle.find("c:\\publish\\x\\Enclosures\\1.pdf") == "Publication32/Enclosures/1.pdf"
    bundle.at("v2/agenda.xml")
    assert bundle.find("\\Attachments\\6104646-6648381-1.pdf") == (
        "v2/Attachments/6104646-6648381-1.PDF"
    )
    bundle.at("test/dagsorden.xml")
    # SBSYS names a Bilag/ folder the export does not have: the file lies beside the XML.
    assert (
        bundle.find("Bilag/Punkt_1_Bilag_1_Test_igen.pdf") == "test/Punkt_1_Bilag_1_Test_igen.pdf"
    )
    bundle.at("XML_1.xml")
    assert bundle.find("Files_1/3687981.xml") == "Files_1/3687981.XML"
    assert bundle.find("Files_1/Politik%20for%20Kultur,%20byr%C3%A5det.pdf") == (
        "Files_1/Politik for Kultur, byrådet.pdf"
    )
    # Decomposed letters (as macOS writes "å") find the composed name.
    assert bundle.find("Files_1/Politik for Kultur, byra\u030adet.pdf") == (
        "Files_1/Politik for Kultur, byrådet.pdf"
    )
    assert bundle.find("Enclosures/2.pdf") is None
    assert bundle.find("") is None


def test_a_folder_bundle_ignores_links_out_of_the_export(tmp_path):
    (tmp_path / "export").mkdir()
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"%PDF- hemmelig")
    (tmp_path / "export" / "bilag.pdf").symlink_to(secret)
    bundle = bundles.FolderBundle(tmp_path / "export")
    assert bundle.find("bilag.pdf") is None
    assert bundle.files() == []


# --- discovery and digests --------------------------------------------------------------


def test_the_fixture_exports_discover_as_one_source_each():
    found = sources.discover([ESDH])
    assert [(s.kind, Path(s.name).name) for s in found] == [
        ("folder", "acadre-syddjurs-2013-06-20"),
        ("folder", "edoc-ballerup-2012-12-04"),
        ("folder", "fujitsu-middelfart-2017-05-02"),
        ("file", "sbsys-native-lyngby-taarbaek-2016-03-31.tar.gz"),
        ("file", "sbsys-publication-ballerup-2013-05-15.zip"),
    ]


def test_a_folder_export_among_other_files_takes_only_its_own(tmp_path):
    shutil.copytree(ESDH / "acadre-syddjurs-2013-06-20", tmp_path / "acadre")
    shutil.copy(ESDH / "edoc-ballerup-2012-12-04/1552816.PDF", tmp_path / "løst referat.pdf")
    (tmp_path / "README.md").write_text("om mappen")
    found = sources.discover([tmp_path])
    assert [(s.kind, Path(s.name).name) for s in found] == [
        ("folder", "acadre"),
        ("file", "løst referat.pdf"),
    ]


def test_an_acadre_index_in_a_shared_folder_reads_its_own_files_folder(tmp_path):
    # Acadre's import folder holds every meeting's index side by side.
    export = ESDH / "acadre-syddjurs-2013-06-20"
    shutil.copytree(export / "Files_1863_3687982", tmp_path / "Files_1863_3687982")
    shutil.copy(export / "XML_1863.xml", tmp_path / "XML_1863.xml")
    other = (export / "XML_1863.xml").read_bytes().replace(b'sysid="1863"', b'sysid="1900"')
    (tmp_path / "XML_1900.xml").write_bytes(other)
    found = sources.discover([tmp_path])
    assert [(s.kind, Path(s.name).name) for s in found] == [
        ("folder", "Files_1863_3687982"),
        ("file", "XML_1900.xml"),
    ]


def test_a_folder_digest_covers_the_manifest_and_the_files_it_names(tmp_path):
    export = tmp_path / "acadre"
    shutil.copytree(ESDH / "acadre-syddjurs-2013-06-20", export)
    source = sources.discover([export])[0]
    first = sources.digest(source)
    assert first == sources.read(source, municipality="Syddjurs")[0].sha256
    assert sources.digest(source) == first
    bilag = export / "Files_1863_3687982" / "3525829E1.DOCX"
    bilag.write_bytes(bilag.read_bytes() + b"\0")
    assert sources.digest(source) != first


def test_a_manifest_given_alone_is_read_with_the_files_beside_it():
    manifest = ESDH / "edoc-ballerup-2012-12-04" / "eDocAgendaPublishing.xml"
    source = sources.discover([manifest])[0]
    parsed = sources.read(source, municipality="Ballerup")[0]
    assert parsed.original == manifest.read_bytes()
    assert parsed.sha256 == sources.digest(source) != parsed.meeting.items[0].files[0].sha256
    own = parsed.meeting.items[0].files[0]
    assert (own.name, own.role, len(own.data)) == ("1552824.PDF", "document", 23099)
    # Not an export of its own: files it does not name (the title-named copy) stay out.
    names = [attachment.name for _item, attachment in parsed.all_files()]
    assert "Forslag til takstreduktion aflastningstilbuddet Torvevej 2013.pdf" not in names


def test_an_export_with_two_meetings_is_refused():
    other = MANIFEST.replace(b'<Agenda ID="32">', b'<Agenda ID="33">')
    data = make_zip({"a/Publication32.xml": MANIFEST, "b/Publication33.xml": other})
    with pytest.raises(IngestError, match="2 møder"):
        sources.read_archive(data, "to.zip", municipality="Ballerup")


def test_an_archive_without_a_manifest_is_refused():
    with pytest.raises(IngestError, match="intet manifest"):
        sources.read_archive(make_zip({"bilag.pdf": b"%PDF-1.4"}), "x.zip")


def test_a_manifest_naming_files_outside_its_folder_export_gets_none_of_them(tmp_path):
    """`../`, an absolute path, and a linked folder all point out of the export: the
    references resolve to nothing (a missing file the reader reports), never to the
    server's files."""
    export = tmp_path / "export"
    export.mkdir()
    (export / "dagsorden.xml").write_bytes(b"<x/>")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.pdf").write_bytes(b"%PDF- hemmelig")
    (export / "linked").symlink_to(outside, target_is_directory=True)
    bundle = bundles.FolderBundle(export).at("dagsorden.xml")
    for reference in [
        "../outside/secret.pdf",
        "../../outside/secret.pdf",
        str(outside / "secret.pdf"),
        "linked/secret.pdf",
        "linked\\secret.pdf",
        "secret.pdf",
    ]:
        assert bundle.find(reference) is None, reference
    assert bundle.files() == ["dagsorden.xml"]


def test_a_manifest_naming_files_outside_its_archive_gets_none_of_them():
    bundle = bundles.open_archive(
        make_zip({"export/dagsorden.xml": b"<x/>", "export/bilag/1.pdf": b"%PDF-1"}), "x.zip"
    ).at("export/dagsorden.xml")
    for reference in ["../../etc/passwd", "/etc/passwd", "c:\\windows\\win.ini", "../x.zip"]:
        assert bundle.find(reference) is None, reference
    assert bundle.find("../export/bilag/1.pdf") == "export/bilag/1.pdf"  # still inside
