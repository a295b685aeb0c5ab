"""Names, places and phrases the simulated population writes with.

Ordinary (non-election) phrases must never contain an election term: the
ground truth labels a post ``election_content`` from what the simulator
meant it to be about, and tests check the two agree.
"""

from __future__ import annotations

RO_MALE = ["Andrei", "Alexandru", "Mihai", "Ion", "Gabriel", "Cristian", "Florin", "Adrian", "Bogdan", "Ionuț", "Marian", "Daniel", "Vasile", "Constantin", "George", "Ștefan", "Radu", "Cătălin", "Sorin", "Vlad", "Răzvan", "Ovidiu", "Claudiu", "Dumitru", "Nicolae", "Lucian", "Emil", "Dragoș", "Costel", "Iulian", "Paul", "Tudor", "Matei", "David", "Sebastian", "Robert", "Cosmin", "Liviu", "Viorel", "Petru"]
RO_FEMALE = ["Maria", "Elena", "Ioana", "Ana", "Andreea", "Alexandra", "Mihaela", "Cristina", "Gabriela", "Daniela", "Alina", "Roxana", "Raluca", "Simona", "Irina", "Oana", "Georgiana", "Bianca", "Larisa", "Diana", "Florentina", "Camelia", "Adriana", "Loredana", "Ramona", "Carmen", "Monica", "Anca", "Denisa", "Teodora", "Ilinca", "Iulia", "Corina", "Valentina", "Mădălina", "Cătălina", "Sorina", "Lavinia"]
RO_SURNAMES = ["Popescu", "Ionescu", "Popa", "Pop", "Radu", "Dumitru", "Stan", "Stoica", "Gheorghe", "Matei", "Ciobanu", "Rusu", "Mihai", "Constantin", "Marin", "Florea", "Ilie", "Dinu", "Munteanu", "Vasile", "Lazăr", "Toma", "Moldovan", "Barbu", "Cristea", "Neagu", "Tudor", "Ene", "Ursu", "Dobre", "Nistor", "Sandu", "Preda", "Lungu", "Enache", "Oprea", "Voicu", "Diaconu", "Anghel", "Stanciu", "Nedelcu", "Manole", "Dragomir", "Mocanu", "Zamfir", "Bălan", "Șerban", "Ardeleanu", "Tănase", "Niculescu", "Surdu", "Pavel", "Iordache", "Cojocaru", "Dumitrescu"]
HU_FIRST = ["László", "István", "Zoltán", "Attila", "Csaba", "Levente", "Balázs", "Gábor", "Péter", "Tamás", "Botond", "Szabolcs", "Erzsébet", "Katalin", "Éva", "Ildikó", "Enikő", "Réka", "Tünde", "Andrea", "Zsófia", "Emese", "Csilla", "Orsolya", "Noémi", "Boglárka"]
HU_SURNAMES = ["Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Varga", "Kiss", "Molnár", "Németh", "Farkas", "Balogh", "Papp", "Lakatos", "Takács", "Juhász", "Fekete", "Szilágyi", "Török", "Fazakas", "Bíró", "Bartha", "Demeter", "Gáll", "Sándor", "Pál"]

RO_CITIES = ("București", "Cluj-Napoca", "Iași", "Timișoara", "Constanța", "Craiova", "Brașov", "Galați", "Ploiești",
             "Oradea", "Sibiu", "Bacău", "Arad", "Pitești", "Suceava", "Baia Mare", "Buzău", "Târgu Mureș")
HU_CITIES = ["Kolozsvár", "Marosvásárhely", "Csíkszereda", "Sepsiszentgyörgy", "Nagyvárad", "Székelyudvarhely"]
FOODS_RO = ("sarmale", "mici", "ciorbă de burtă", "papanași", "mămăligă cu brânză", "cozonac", "clătite", "zacuscă")
FOODS_HU = ("gulyás", "kürtőskalács", "lángos", "töltött káposzta", "palacsinta")
PLACES_RO = ("Sinaia", "Vama Veche", "Transfăgărășan", "Delta Dunării", "Bran", "Bucegi", "Sighișoara", "Cheile Bicazului")
TEAMS = ("FCSB", "CFR Cluj", "Rapid", "Universitatea Craiova", "Dinamo", "Sepsi OSK", "naționala")
ARTISTS = ("Carla's Dreams", "Irina Rimes", "Smiley", "INNA", "Subcarpați", "The Motans", "Delia", "Azteca")
EMOJI = ("😂", "❤️", "🔥", "👏", "😍", "🙏", "😅", "✨", "💪", "🥰", "🤣", "👍", "🇷🇴", "☕", "🍂", "😎")

ORDINARY = {
    "ro": (
        "Ce zi frumoasă în {city}! {e}",
        "Am făcut {food} după rețeta bunicii {e}",
        "Meci tare aseară, {team} a jucat excelent {e}",
        "Weekend la {place}, recomand din tot sufletul {e}",
        "Nu mai suport traficul din {city} dimineața 😤",
        "Cafeaua de luni e obligatorie ☕",
        "Pisica mea a descoperit cutia de carton {e}",
        "Cine mai ascultă {artist}? Piesa nouă e super {e}",
        "Toamna în {place} arată așa {e}",
        "Azi am alergat 10 km prin parc, mândru de mine {e}",
        "Reduceri mari la mall, merită sau nu?",
        "Tutorial machiaj de seară, spuneți-mi ce părere aveți {e}",
        "O zi din viața mea la birou în {city}",
        "Rețetă rapidă: {food} în 20 de minute {e}",
        "Când mama te sună de trei ori într-o oră {e}",
        "Plimbare cu cățelul prin {city} {e}",
        "Concert {artist} în {city}, cine vine? {e}",
        "Am terminat sesiunea, în sfârșit vacanță {e}",
    ),
    "hu": (
        "Gyönyörű nap ma, {city} {e}",
        "Főztem egy kis {food} a családnak {e}",
        "Hétvége a hegyekben, ajánlom mindenkinek {e}",
        "Kávé nélkül nem megy a hétfő ☕",
        "Ki jön a koncertre {city}? {e}",
        "Edzés után, fáradt de boldog {e}",
        "A macskám új kedvenc helye {e}",
        "Őszi séta {city} utcáin {e}",
    ),
    "en": (
        "Weekend vibes in {city} {e}",
        "Trying {food} for the first time {e}",
        "This song is on repeat all week {e}",
        "Morning run done, coffee next ☕",
        "Road trip to {place} was unreal {e}",
        "POV: your cat discovers the box {e}",
    ),
}

ELECTION_TAGS = ("alegeri2024", "prezidentiale2024", "alegeri", "votez", "romaniavoteaza", "turul1")
ELECTION_TAGS_HU = ("valasztas", "elnokvalasztas", "szavazas")
ORDINARY_TAGS = ("fyp", "foryou", "romania", "viral", "trending", "food", "reteta", "travel", "funny", "pisici",
                 "fotbal", "muzica", "ootd", "makeup", "toamna", "bucuresti", "cluj", "gym", "skincare", "erdely")
TOPICS_RO = ("economie", "sănătate", "educație", "pensii", "diaspora", "corupție", "agricultură", "energie", "autostrăzi")

# Organic election talk: own words, any stance.  {c} is a candidate's name
# form, {t} a policy topic.
ELECTION = {
    "ro": (
        "Duminică mergem la vot! Fiecare vot contează {e}",
        "Am urmărit dezbaterea de aseară, {c} m-a convins mai mult pe {t}",
        "Nu știu încă cu cine votez la prezidențiale, voi ce ziceți?",
        "{c} are cel mai bun program pentru {t}, după mine",
        "Nu-mi place deloc ce spune {c} despre {t} {e}",
        "Turul 1 al alegerilor e pe 24 noiembrie, verificați-vă secția de votare",
        "Prezența la vot contează, nu stați acasă la alegeri",
        "Sondajele zic că {c} intră în turul doi, vom vedea",
        "Am votat! {e} #votez",
        "Discuție aprinsă în familie despre {c}, fiecare cu candidatul lui {e}",
        "Cine câștigă alegerile prezidențiale? Pariuri în comentarii {e}",
        "Ce părere aveți de campania lui {c}? Mie mi se pare slabă pe {t}",
    ),
    "hu": (
        "Vasárnap választás, mindenki menjen szavazni! {e}",
        "{c} programja tetszik, főleg ami a {t} illeti",
        "Ki nyeri az elnökválasztást? {e}",
        "Elmentem szavazni, ti is menjetek {e}",
    ),
    "en": (
        "Romanians abroad: you can vote in the presidential election at any polling station {e}",
        "Watched the presidential debate, {c} was the strongest tonight",
        "Election day in Romania, turnout matters {e}",
    ),
}

# Topics the false claims are about, discussed without repeating the claim.
CLAIM_TOPIC = (
    "Turul 1 al alegerilor e duminică, 24 noiembrie, secțiile se deschid la 7",
    "Cum se numără voturile la secție? Am fost observator, e o muncă serioasă",
    "Vot prin corespondență pentru diaspora: termenul de înscriere a expirat în septembrie",
    "Ce a spus de fapt {c} la dezbatere? Am pus tot clipul, judecați singuri",
)

THROWAWAY_DOMAINS = ("mailinator.com", "10minutemail.com", "guerrillamail.com", "yopmail.com", "temp-mail.org",
                     "sharklasers.com", "trashmail.de", "dispostable.com")
EMAIL_DOMAINS = ("gmail.com", "yahoo.com", "gmail.com", "gmail.com", "yahoo.ro", "outlook.com", "icloud.com",
                 "hotmail.com", "freemail.hu")
NEWS_SITES = ("digi24.ro", "hotnews.ro", "g4media.ro", "libertatea.ro", "adevarul.ro", "stirileprotv.ro",
              "maszol.ro", "kronika.ro", "emag.ro", "youtube.com")
USER_AGENTS = ("TikTok 36.5.4 rv:365404 (iPhone; iOS 17.6.1; ro_RO) Cronet",
               "com.zhiliaoapp.musically/2023605040 (Linux; U; Android 14; ro_RO; SM-A546B; Build/UP1A.231005.007)",
               "com.zhiliaoapp.musically/2023605040 (Linux; U; Android 13; ro_RO; Redmi Note 12; Build/TKQ1.221114.001)",
               "TikTok 36.5.4 rv:365404 (iPhone; iOS 18.0; hu_HU) Cronet",
               "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0 Safari/537.36")
SCRIPT_AGENTS = ("okhttp/4.9.2", "python-requests/2.31.0",
                 "com.zhiliaoapp.musically/2023605040 (Linux; U; Android 9; en_US; SM-G960F; Build/PPR1.180610.011)")

# Residential ISPs: (first octets of /16 blocks, ASN, country)
ISPS = (
    ((86, 120), "AS8708", "RO"), ((86, 124), "AS8708", "RO"), ((79, 112), "AS8708", "RO"),
    ((5, 12), "AS9050", "RO"), ((188, 24), "AS9050", "RO"), ((89, 136), "AS12302", "RO"),
    ((46, 97), "AS6830", "RO"), ((94, 52), "AS8953", "RO"), ((84, 0), "AS5483", "HU"),
    ((89, 132), "AS5483", "HU"), ((176, 123), "AS25133", "MD"), ((93, 34), "AS3269", "IT"),
    ((83, 36), "AS3352", "ES"), ((91, 64), "AS3320", "DE"), ((81, 2), "AS2856", "GB"),
)
DATACENTERS = (((185, 220), "AS200052", "NL"), ((45, 134), "AS9009", "DE"), ((194, 87), "AS14061", "NL"),
               ((91, 243), "AS44477", "RU"), ((103, 75), "AS136258", "VN"))
