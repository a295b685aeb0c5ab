import pytest

from civicshield.errors import DataError
from civicshield.media import read_credentials


def tamper(src, dst):
    """Change pixel bytes well after the manifest: hashes no longer match."""
    data = bytearray(src.read_bytes())
    mid = len(data) - 200
    data[mid:mid + 16] = bytes((b ^ 0x5A) for b in data[mid:mid + 16])
    dst.write_bytes(bytes(data))
    return dst


@pytest.mark.parametrize(
    "name, ai_types, state",
    [
        ("trained_signed.jpg", ("trainedAlgorithmicMedia",), "Valid"),
        ("created_algorithmic.jpg", ("algorithmicMedia",), "Valid"),
        ("composite_trained.jpg", ("compositeWithTrainedAlgorithmicMedia", "trainedAlgorithmicMedia"), "Valid"),
        ("edited_photo.jpg", (), "Valid"),
        ("invalid_manifest.jpg", (), "Invalid"),
    ],
)
def test_shared_fixtures(shared_dir, name, ai_types, state):
    c = read_credentials(shared_dir / "data" / "c2pa" / name)
    assert c.has_manifest and c.validation_state == state
    assert c.ai_source_types == ai_types
    assert c.is_ai is bool(ai_types)
    assert c.valid is (state == "Valid")


def test_edited_photo_records_its_actions(shared_dir):
    c = read_credentials(shared_dir / "data" / "c2pa" / "edited_photo.jpg")
    assert c.actions == ("c2pa.opened", "c2pa.color_adjustments")
    assert c.failures == ()  # an unknown signer is not a failure of the file


def test_invalid_manifest_lists_failures(shared_dir):
    c = read_credentials(shared_dir / "data" / "c2pa" / "invalid_manifest.jpg")
    assert "assertion.hashedURI.mismatch" in c.failures


def test_no_manifest_and_unsupported_file(shared_dir, tmp_path):
    c = read_credentials(shared_dir / "data" / "c2pa" / "no_manifest.jpg")
    assert not c.has_manifest and not c.is_ai and c.validation_state is None and c.error == ""
    text = tmp_path / "notes.txt"
    text.write_text("not an image")
    c = read_credentials(text)
    assert not c.has_manifest and "unsupported" in c.error.lower()


def test_tampered_ai_image_is_invalid_but_still_declares_ai(shared_dir, tmp_path):
    c = read_credentials(tamper(shared_dir / "data" / "c2pa" / "trained_signed.jpg", tmp_path / "t.jpg"))
    assert c.validation_state == "Invalid"
    assert c.is_ai and c.ai_source_types == ("trainedAlgorithmicMedia",)
    assert c.failures


def test_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="media file not found"):
        read_credentials(tmp_path / "nope.jpg")


@pytest.mark.parametrize("source", ["trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia", "algorithmicMedia",
                                    None])
def test_images_signed_by_the_test_suite(tmp_path, source):
    """Signed here with c2pa's Builder and a freshly generated ES256 chain
    (civicshield.sim.media): valid, untrusted signer not a failure."""
    from civicshield.sim.media import sign_jpeg

    path = sign_jpeg(tmp_path / "x.jpg", source, "Călin Georgescu rally")
    c = read_credentials(path)
    assert c.has_manifest and c.validation_state == "Valid" and c.failures == ()
    assert c.ai_source_types == ((source,) if source else ())
    assert c.title == "Călin Georgescu rally"
    assert c.actions[0] == ("c2pa.created" if source else "c2pa.opened")
    tampered = read_credentials(tamper(path, tmp_path / "t.jpg"))
    assert tampered.validation_state == "Invalid" and tampered.is_ai is bool(source)
