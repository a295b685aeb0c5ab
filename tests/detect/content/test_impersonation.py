import random

from civicshield.detect.content import impersonation

from ._rows import account, account_ids, run

rng = random.Random(5)
OFFICIAL_AVATAR = "".join(rng.choice("0123456789abcdef") for _ in range(64))


def flip_bits(hexhash: str, n: int) -> str:
    v = int(hexhash, 16)
    for bit in random.Random(n).sample(range(256), n):
        v ^= 1 << bit
    return f"{v:064x}"


def test_impersonators_found_lookalikes_not(make_workspace):
    accounts = [
        account("a1029", "calingeorgescu", display_name="Călin Georgescu", account_type="politician",
                avatar_hash=OFFICIAL_AVATAR, bio="Candidat independent"),
        # impersonators
        account("imp-cyrillic", "calin_georgescu_ro", display_name="Cаlin Gеorgescu"),  # Cyrillic а, е
        account("imp-capital-i", "caIingeorgescu", display_name="CaIin Georgescu"),
        account("imp-official", "calin.georgescu.oficial", display_name="Calin Georgescu Official"),
        account("imp-year", "calingeorgescu2024", display_name="Calin Georgescu"),
        account("imp-avatar", "georgescu_c", display_name="C. Georgescu", avatar_hash=flip_bits(OFFICIAL_AVATAR, 20)),
        account("imp-bio", "calingeorgescu.ro", display_name="Călin Georgescu",
                bio="Candidat la președinția României"),
        account("imp-party", "psd_oficial", display_name="PSD Oficial"),
        account("imp-lasconi", "elena_lasconi_official", display_name="Elena Lasconi"),
        # look-alikes
        account("surname-1", "andrei_georgescu", display_name="Andrei Georgescu", bio="Inginer, Cluj"),
        account("surname-2", "maria.georgescu", display_name="Maria Georgescu", bio="Profesoară de matematică"),
        account("namesake", "calin.georgescu84", display_name="Calin Georgescu", bio="Pescar amator"),
        account("fan-bio", "calingeorgescu_oficial_fan", display_name="Călin Georgescu",
                bio="Pagină de fani neoficială, susținător", avatar_hash=OFFICIAL_AVATAR),
        account("fan-name", "georgescu2024", display_name="Georgescu Fan Club"),
        account("parody", "caIin_georgescu", display_name="Calin Georgescu (parody)", bio="Parody account"),
        account("far-avatar", "sarmale_fan", display_name="Sarmale", avatar_hash=flip_bits(OFFICIAL_AVATAR, 90)),
        account("someone", "ion.popescu", display_name="Ion Popescu"),
    ]
    ws = make_workspace(accounts=accounts)
    found = run(ws, impersonation.DETECTOR)
    assert account_ids(found) == {"imp-cyrillic", "imp-capital-i", "imp-official", "imp-year", "imp-avatar", "imp-bio",
                                  "imp-party", "imp-lasconi"}
    by = {f.account_ids[0]: f for f in found}
    assert by["imp-cyrillic"].evidence["target"] == "cand-georgescu"
    assert any("confusable" in s for s in by["imp-cyrillic"].evidence["signals"])
    assert any("confusable" in s for s in by["imp-capital-i"].evidence["signals"])
    assert any("avatar PDQ distance 20" in s for s in by["imp-avatar"].evidence["signals"])
    assert by["imp-party"].evidence["target"] == "psd"
    assert by["imp-lasconi"].evidence["target"] == "cand-lasconi"
    assert not any("confusable" in s for s in by["imp-official"].evidence["signals"])


def test_avatar_threshold_is_meta_default(make_workspace):
    accounts = [
        account("a1029", "calingeorgescu", display_name="Călin Georgescu", avatar_hash=OFFICIAL_AVATAR),
        account("near", "georgescu_c", display_name="C. Georgescu", avatar_hash=flip_bits(OFFICIAL_AVATAR, 31)),
        account("far", "georgescu_d", display_name="D. Georgescu", avatar_hash=flip_bits(OFFICIAL_AVATAR, 32)),
    ]
    ws = make_workspace(accounts=accounts)
    assert account_ids(run(ws, impersonation.DETECTOR)) == {"near"}
    assert account_ids(run(ws, impersonation.DETECTOR, avatar_distance=40)) == {"near", "far"}
