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


def test_real_profiles_are_not_impersonators(make_workspace, shared_dir, election):
    """2,818 real Twitter profiles (Cresci 2015: Italian genuine users and
    bought fake followers, messy names, emoji, 'Carenzi', 'Grillotti'),
    an Italian election, and four impersonators planted among them."""
    import dataclasses

    import duckdb

    from civicshield.election import Candidate, Party

    it = dataclasses.replace(
        election, country="IT", languages=("it",), keywords=("elezioni", "voto"),
        candidates=(Candidate(id="renzi", name="Matteo Renzi", aliases=("Renzi",), official_account_ids=("off-renzi",)),
                    Candidate(id="grillo", name="Beppe Grillo", aliases=("Grillo",), official_account_ids=("off-grillo",)),
                    Candidate(id="salvini", name="Matteo Salvini", aliases=("Salvini",)),
                    Candidate(id="berlusconi", name="Silvio Berlusconi", aliases=("Berlusconi",))),
        parties=(Party(id="pd", name="Partito Democratico", aliases=("PD",)),
                 Party(id="m5s", name="Movimento 5 Stelle", aliases=("M5S",))),
    )
    rows = []
    for f in ("users", "fusers"):
        path = shared_dir / "data" / "cresci15" / f"{f}.csv"
        rows += duckdb.sql(f"SELECT id, screen_name, name, description FROM read_csv('{path}', all_varchar=true)").fetchall()
    accounts = [account(f"cresci-{i}", h, display_name=n, bio=d) for i, h, n, d in rows]
    assert len(accounts) == 2818
    accounts += [
        account("off-renzi", "matteorenzi", display_name="Matteo Renzi", account_type="politician"),
        account("off-grillo", "beppe_grillo", display_name="Beppe Grillo", account_type="politician"),
        account("imp-1", "matteorenzi_ufficiale", display_name="Matteo Renzi"),
        account("imp-2", "beppe_grill0", display_name="Beppe Grill0"),
        account("imp-3", "salvini_matteo_2024", display_name="Маttео Sаlvini"),
        account("imp-4", "silvioberlusconi.official", display_name="Silvio Berlusconi"),
        account("fan", "matteorenzi_fan", display_name="Matteo Renzi", bio="Pagina fan non ufficiale"),
    ]
    ws = make_workspace(election=it, accounts=accounts)
    assert account_ids(run(ws, impersonation.DETECTOR)) == {"imp-1", "imp-2", "imp-3", "imp-4"}
