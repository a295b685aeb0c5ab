"""C2PA signing round trip: what the simulator writes, c2pa.Reader reads back."""

from __future__ import annotations

import json

import c2pa
import pytest

from civicshield.sim.media import AI_SOURCE_TYPES, IPTC, make_identity, plain_jpeg, sign_jpeg


def _actions(path) -> tuple[str, list[dict]]:
    reader = c2pa.Reader(str(path))
    try:
        store = json.loads(reader.json())
        state = reader.get_validation_state()
    finally:
        reader.close()
    manifest = store["manifests"][store["active_manifest"]]
    actions = [a for asr in manifest["assertions"] if asr["label"].startswith("c2pa.actions") for a in asr["data"]["actions"]]
    return state, actions


@pytest.mark.parametrize("source_type", AI_SOURCE_TYPES)
def test_ai_image_carries_its_digital_source_type(tmp_path, source_type):
    path = sign_jpeg(tmp_path / "ai.jpg", source_type, "generated")
    state, actions = _actions(path)
    assert state == "Valid"  # valid signature; the throw-away CA is merely untrusted
    assert actions[0]["action"] == "c2pa.created"
    assert actions[0]["digitalSourceType"] == IPTC + source_type


def test_edited_photo_is_opened_and_adjusted_not_generated(tmp_path):
    state, actions = _actions(sign_jpeg(tmp_path / "edit.jpg", None, "street", identity=make_identity("Photo App")))
    assert state == "Valid"
    assert [a["action"] for a in actions] == ["c2pa.opened", "c2pa.color_adjustments"]
    assert not any("digitalSourceType" in a for a in actions)


def test_tampered_image_fails_validation(tmp_path):
    path = sign_jpeg(tmp_path / "ai.jpg", "trainedAlgorithmicMedia", "generated")
    data = bytearray(path.read_bytes())
    data[-40] ^= 0xFF  # flip a byte of the image data the manifest hashes
    path.write_bytes(bytes(data))
    reader = c2pa.Reader(str(path))
    try:
        assert reader.get_validation_state() == "Invalid"
    finally:
        reader.close()


def test_plain_jpeg_has_no_manifest(tmp_path):
    path = plain_jpeg(tmp_path / "p.jpg")
    assert path.read_bytes()[:2] == b"\xff\xd8"
    with pytest.raises(c2pa.C2paError):
        c2pa.Reader(str(path))
