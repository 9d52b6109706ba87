"""Safe XML: hostile documents are refused with one clear message, quirks are repaired."""

import pytest

from ingest.errors import IngestError
from ingest.pipeline import parse_document
from ingest.readers import xmlsafe

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Meeting><Committee>&lol9;</Committee><MeetingAgendaTypes/></Meeting>"""


def external(system_id: str) -> bytes:
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE Meeting [<!ENTITY secret SYSTEM "{system_id}">]>\n'
        "<Meeting><Committee>&secret;</Committee><MeetingDate>04-12-2012 13:00:00</MeetingDate>"
        "<MeetingAgendaTypes/></Meeting>"
    ).encode()


def test_billion_laughs_is_refused_before_any_expansion():
    with pytest.raises(IngestError) as refused:
        xmlsafe.parse(BILLION_LAUGHS)
    assert refused.value.message.startswith("XML-filen erklærer egne entiteter")
    assert "billion laughs" in refused.value.message


def test_an_external_entity_pointing_at_a_local_file_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPHEMMELIGT-kodeord")
    with pytest.raises(IngestError) as refused:
        xmlsafe.parse(external(secret.as_uri()))
    assert refused.value.message.startswith("XML-filen henviser til eksterne entiteter")
    assert "TOPHEMMELIGT" not in str(refused.value)


def test_a_network_entity_is_refused_without_fetching():
    with pytest.raises(IngestError, match="eksterne entiteter"):
        xmlsafe.parse(external("http://127.0.0.1:9/steal.dtd"))


def test_a_parameter_entity_is_refused():
    hostile = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]><r/>'
    )
    with pytest.raises(IngestError, match="eksterne entiteter"):
        xmlsafe.parse(hostile)


def test_a_hostile_manifest_is_refused_through_the_pipeline(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPHEMMELIGT")
    with pytest.raises(IngestError) as refused:
        parse_document(external(secret.as_uri()), source="eDocAgendaPublishing.xml")
    assert "eksterne entiteter" in refused.value.message
    assert refused.value.source == "eDocAgendaPublishing.xml"


def test_illegal_character_references_bom_and_mixed_line_endings_are_repaired():
    # eDoc writes a form feed as &#xC;, which XML 1.0 forbids; SBSYS starts with a BOM.
    data = "\ufeff<a>Side 1&#xC;Side 2\r\nlinje\rlinje&#x1; &oslash;</a>".encode()
    root = xmlsafe.parse(data)
    assert xmlsafe.text(root.text) == "Side 1\nSide 2\nlinje\nlinje ø"


def test_utf16_with_a_declared_encoding_is_read():
    data = '<?xml version="1.0" encoding="utf-16"?><a>Sundhedsudvalget æøå</a>'.encode("utf-16")
    assert xmlsafe.parse(data).text == "Sundhedsudvalget æøå"


def test_broken_xml_is_one_clear_error():
    with pytest.raises(IngestError, match="ikke gyldig XML"):
        xmlsafe.parse(b"<Meeting><Committee>Udvalg</Meeting>")


def test_html_in_cdata_becomes_blocks_and_escaped_html_is_unescaped_once():
    cdata = xmlsafe.parse(
        b"<f><![CDATA[<p>Tiltr&aelig;delse</p><ol><li>A</li><li>B</li></ol>]]></f>"
    )
    assert xmlsafe.markup_text(cdata.text) == "Tiltrædelse\n\n1. A\n\n2. B"
    # Acadre stores the HTML escaped as text: after XML parsing it is markup again...
    escaped = xmlsafe.parse(b"<f>&lt;p&gt;Punktet&lt;/p&gt;&lt;p&gt;&amp;nbsp;&lt;/p&gt;</f>")
    assert xmlsafe.markup_text(escaped.text) == "Punktet"
    # ...and some exports escape it once more inside CDATA.
    twice = xmlsafe.parse(b"<f><![CDATA[&lt;p&gt;Godkendt&lt;/p&gt;&lt;p&gt;Ja&lt;/p&gt;]]></f>")
    assert xmlsafe.markup_text(twice.text) == "Godkendt\n\nJa"


def test_root_name_is_read_from_the_first_bytes_only():
    assert xmlsafe.root_name(b'\xef\xbb\xbf<?xml version="1.0"?>\r\n<!-- x -->\n<Publication>') == (
        "Publication"
    )
    assert xmlsafe.root_name(b"%PDF-1.4") == ""
