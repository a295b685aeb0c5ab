import shutil

import pytest

from civicshield.detect.content import ai_media
from civicshield.errors import DataError

from ._rows import account, post, post_ids, run


def media_dir(shared_dir, dest):
    dest.mkdir(parents=True, exist_ok=True)
    for f in (shared_dir / "data" / "c2pa").glob("*.jpg"):
        shutil.copy(f, dest / f.name)
    data = bytearray((dest / "trained_signed.jpg").read_bytes())
    data[-200:-184] = bytes(b ^ 0x5A for b in data[-200:-184])  # break the hash, keep the manifest
    (dest / "tampered_ai.jpg").write_bytes(bytes(data))
    return dest


POSTS = [
    # AI media
    post("ai-unlabelled", "u1", "Apus de soare", media_path="trained_signed.jpg"),
    post("ai-algorithmic", "u1", "gradient", media_path="created_algorithmic.jpg"),
    post("ai-composite", "u2", "Peisaj de toamnă", media_path="composite_trained.jpg"),
    post("ai-candidate", "u2", "Uitați ce a spus Călin Georgescu aseară!", media_path="trained_signed.jpg"),
    post("ai-candidate-labelled", "u3", "Elena Lasconi în 2050 (AI)", media_path="composite_trained.jpg",
         ai_label=True),
    post("ai-tampered", "u3", "o poză", media_path="tampered_ai.jpg"),
    # look-alikes: labelled AI, edited photos, no credentials, invalid non-AI manifest, no media
    post("ai-labelled", "u4", "Artă generată", media_path="trained_signed.jpg", ai_label=True),
    post("edited", "u4", "Călin Georgescu la miting, poză editată", media_path="edited_photo.jpg"),
    post("plain", "u5", "Poză cu Elena Lasconi", media_path="no_manifest.jpg"),
    post("invalid-non-ai", "u5", "colaj", media_path="invalid_manifest.jpg"),
    post("text-only", "u5", "Călin Georgescu"),
]


def test_ai_media_kinds_and_lookalikes(make_workspace, shared_dir, tmp_path):
    ws = make_workspace(accounts=[account(f"u{i}") for i in range(1, 6)], posts=POSTS)
    media_dir(shared_dir, ws.path / "media")  # the default: <workspace>/media
    found = run(ws, ai_media.DETECTOR)
    assert post_ids(found, "unlabelled_ai") == {"ai-unlabelled", "ai-algorithmic", "ai-composite", "ai-tampered",
                                                "ai-candidate"}
    assert post_ids(found, "misleading_ai") == {"ai-candidate", "ai-candidate-labelled"}
    by = {f.post_ids[0]: f for f in found if f.kind == "unlabelled_ai"}
    review = {f.post_ids[0]: f for f in found if f.kind == "misleading_ai"}
    assert review["ai-candidate"].evidence["names"] == ["cand-georgescu"]
    assert review["ai-candidate"].evidence["action"] == "review"
    assert by["ai-candidate"].evidence["action"] == "apply AI-generated label"
    assert by["ai-composite"].evidence["ai_source_types"] == ["compositeWithTrainedAlgorithmicMedia",
                                                              "trainedAlgorithmicMedia"]
    tampered = by["ai-tampered"]
    assert tampered.evidence["validation_state"] == "Invalid" and tampered.score == 0.6
    assert by["ai-unlabelled"].evidence["validation_state"] == "Valid" and by["ai-unlabelled"].score == 1.0


def test_media_dir_parameter_and_missing_files(make_workspace, shared_dir, tmp_path):
    ws = make_workspace(accounts=[account("u1")], posts=[post("p", "u1", "x", media_path="trained_signed.jpg")])
    with pytest.raises(DataError, match="media folder not found"):
        run(ws, ai_media.DETECTOR)
    elsewhere = media_dir(shared_dir, tmp_path / "dataset" / "media")
    assert post_ids(run(ws, ai_media.DETECTOR, media_dir=str(elsewhere))) == {"p"}
    (elsewhere / "trained_signed.jpg").unlink()
    with pytest.raises(DataError, match="post p: media file 'trained_signed.jpg' not found"):
        run(ws, ai_media.DETECTOR, media_dir=str(elsewhere))


def test_media_path_may_not_escape_the_folder(make_workspace, shared_dir, tmp_path):
    ws = make_workspace(accounts=[account("u1")], posts=[post("p", "u1", "x", media_path="../../etc/passwd")])
    media_dir(shared_dir, ws.path / "media")
    with pytest.raises(DataError, match="outside the media folder"):
        run(ws, ai_media.DETECTOR)


def test_manifest_title_can_name_the_candidate(make_workspace, tmp_path):
    from civicshield.sim.media import sign_jpeg

    media = tmp_path / "media"
    sign_jpeg(media / "deepfake.jpg", "trainedAlgorithmicMedia", "Elena Lasconi meeting")
    sign_jpeg(media / "castle.jpg", "trainedAlgorithmicMedia", "fantasy castle")
    posts = [post("p1", "u1", "Imagini exclusive!", media_path="deepfake.jpg", ai_label=True),
             post("p2", "u1", "Castelul din vis", media_path="castle.jpg", ai_label=True)]
    ws = make_workspace(accounts=[account("u1")], posts=posts)
    found = run(ws, ai_media.DETECTOR, media_dir=str(media))
    assert [(f.kind, f.post_ids) for f in found] == [("misleading_ai", ("p1",))]
    assert found[0].evidence["names"] == ["cand-lasconi"]
