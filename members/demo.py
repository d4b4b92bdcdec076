"""The IREN demo network: the ten members, their control units and demo users."""

from datetime import date

MEMBERS = [
    # code, country, administration, joined_on
    ("AF", "Afghanistan", "Afghanistan Customs Department", date(2019, 5, 22)),
    ("AZ", "Azerbaijan", "State Customs Committee of the Republic of Azerbaijan", date(2021, 6, 1)),
    ("GE", "Georgia", "Revenue Service of the Ministry of Finance of Georgia", date(2019, 5, 22)),
    (
        "KZ",
        "Kazakhstan",
        "State Revenue Committee of the Ministry of Finance of the Republic of Kazakhstan",
        date(2019, 5, 22),
    ),
    (
        "KG",
        "Kyrgyzstan",
        "State Customs Service under the Ministry of Finance of the Kyrgyz Republic",
        date(2019, 5, 22),
    ),
    ("PK", "Pakistan", "Pakistan Customs, Federal Board of Revenue", date(2019, 5, 22)),
    (
        "TJ",
        "Tajikistan",
        "Customs Service under the Government of the Republic of Tajikistan",
        date(2019, 5, 22),
    ),
    ("TM", "Turkmenistan", "State Customs Service of Turkmenistan", date(2019, 5, 22)),
    ("UA", "Ukraine", "State Customs Service of Ukraine", date(2019, 5, 22)),
    (
        "UZ",
        "Uzbekistan",
        "Customs Committee under the Ministry of Economy and Finance of the Republic of Uzbekistan",
        date(2019, 5, 22),
    ),
]

CONTROL_UNITS = [
    # code, name, kind, city, UN/LOCODE
    (
        "AF-KBL-ACCU",
        "Kabul International Airport Air Cargo Control Unit",
        "airport",
        "Kabul",
        "AFKBL",
    ),
    ("AF-HRT-DP", "Herat Dry Port Control Unit", "dry-port", "Herat", "AFHEA"),
    ("AF-TKM-LB", "Torkham Border Crossing Control Unit", "land-border", "Torkham", ""),
    ("AF-HRT-LB", "Hairatan Border Crossing Control Unit", "land-border", "Hairatan", ""),
    ("AZ-BAK-PCU", "Port of Baku (Alat) Port Control Unit", "seaport", "Alat", "AZBAK"),
    ("AZ-GYD-ACCU", "Heydar Aliyev Airport Air Cargo Control Unit", "airport", "Baku", "AZGYD"),
    ("AZ-AST-LB", "Astara Border Crossing Control Unit", "land-border", "Astara", ""),
    ("GE-PTI-PCU", "Poti Seaport Port Control Unit", "seaport", "Poti", "GEPTI"),
    ("GE-BUS-PCU", "Batumi Seaport Port Control Unit", "seaport", "Batumi", "GEBUS"),
    ("GE-TBS-ACCU", "Tbilisi Airport Air Cargo Control Unit", "airport", "Tbilisi", "GETBS"),
    ("GE-SRP-LB", "Sarpi Border Crossing Control Unit", "land-border", "Sarpi", ""),
    ("KZ-AKT-PCU", "Aktau Seaport Port Control Unit", "seaport", "Aktau", "KZAKT"),
    ("KZ-KHG-DP", "Khorgos Gateway Dry Port Control Unit", "dry-port", "Khorgos", "KZKHG"),
    ("KZ-ALA-ACCU", "Almaty Airport Air Cargo Control Unit", "airport", "Almaty", "KZALA"),
    ("KZ-NQZ-ACCU", "Astana Airport Air Cargo Control Unit", "airport", "Astana", "KZNQZ"),
    ("KZ-DOS-LB", "Dostyk Border Crossing Control Unit", "land-border", "Dostyk", ""),
    ("KG-FRU-ACCU", "Manas Airport Air Cargo Control Unit", "airport", "Bishkek", "KGFRU"),
    ("KG-OSS-ACCU", "Osh Airport Air Cargo Control Unit", "airport", "Osh", "KGOSS"),
    ("KG-DOR-LB", "Dordoi Customs Terminal Control Unit", "dry-port", "Bishkek", ""),
    ("PK-KHI-PCU", "Karachi Port Control Unit", "seaport", "Karachi", "PKKHI"),
    ("PK-BQM-PCU", "Port Qasim Port Control Unit", "seaport", "Karachi", "PKBQM"),
    ("PK-GWD-PCU", "Gwadar Port Control Unit", "seaport", "Gwadar", "PKGWD"),
    ("PK-LHE-DP", "Lahore Dry Port Control Unit", "dry-port", "Lahore", "PKLHE"),
    ("TJ-DYU-ACCU", "Dushanbe Airport Air Cargo Control Unit", "airport", "Dushanbe", "TJDYU"),
    ("TJ-DYU-DP", "Dushanbe Customs Terminal Control Unit", "dry-port", "Dushanbe", ""),
    ("TJ-PNJ-LB", "Panji Poyon Border Crossing Control Unit", "land-border", "Panji Poyon", ""),
    ("TM-TMZ-PCU", "Turkmenbashi Seaport Port Control Unit", "seaport", "Turkmenbashi", "TMTMZ"),
    ("TM-ASB-ACCU", "Ashgabat Airport Air Cargo Control Unit", "airport", "Ashgabat", "TMASB"),
    ("TM-SRH-LB", "Serhetabat Border Crossing Control Unit", "land-border", "Serhetabat", ""),
    ("UA-ODS-PCU", "Odesa Seaport Port Control Unit", "seaport", "Odesa", "UAODS"),
    ("UA-CHO-PCU", "Chornomorsk Seaport Port Control Unit", "seaport", "Chornomorsk", "UAILK"),
    ("UA-KBP-ACCU", "Boryspil Airport Air Cargo Control Unit", "airport", "Boryspil", "UAKBP"),
    ("UZ-TAS-ACCU", "Tashkent Airport Air Cargo Control Unit", "airport", "Tashkent", "UZTAS"),
    ("UZ-TAS-DP", "Tashkent Chukursay Dry Port Control Unit", "dry-port", "Tashkent", ""),
    ("UZ-NVI-ACCU", "Navoi Airport Air Cargo Control Unit", "airport", "Navoi", "UZNVI"),
    ("UZ-TRZ-LB", "Termez Border Crossing Control Unit", "land-border", "Termez", ""),
]

#: The administrations' official names in Russian (shown when the portal speaks Russian).
ADMINISTRATIONS_RU = {
    "AF": "Таможенный департамент Афганистана",
    "AZ": "Государственный таможенный комитет Азербайджанской Республики",
    "GE": "Служба доходов Министерства финансов Грузии",
    "KZ": "Комитет государственных доходов Министерства финансов Республики Казахстан",
    "KG": "Государственная таможенная служба при Министерстве финансов Кыргызской Республики",
    "PK": "Таможня Пакистана, Федеральный совет по доходам",
    "TJ": "Таможенная служба при Правительстве Республики Таджикистан",
    "TM": "Государственная таможенная служба Туркменистана",
    "UA": "Государственная таможенная служба Украины",
    "UZ": "Комитет таможни при Министерстве экономики и финансов Республики Узбекистан",
}

#: Russian names of the demo control units (optional field; every demo unit has one).
CONTROL_UNIT_NAMES_RU = {
    "AF-KBL-ACCU": "Группа контроля авиагрузов международного аэропорта Кабул",
    "AF-HRT-DP": "Группа контроля сухого порта Герат",
    "AF-TKM-LB": "Группа контроля пункта пропуска Торхам",
    "AF-HRT-LB": "Группа контроля пункта пропуска Хайратан",
    "AZ-BAK-PCU": "Группа портового контроля порта Баку (Алят)",
    "AZ-GYD-ACCU": "Группа контроля авиагрузов аэропорта имени Гейдара Алиева",
    "AZ-AST-LB": "Группа контроля пункта пропуска Астара",
    "GE-PTI-PCU": "Группа портового контроля морского порта Поти",
    "GE-BUS-PCU": "Группа портового контроля морского порта Батуми",
    "GE-TBS-ACCU": "Группа контроля авиагрузов аэропорта Тбилиси",
    "GE-SRP-LB": "Группа контроля пункта пропуска Сарпи",
    "PK-KHI-PCU": "Группа портового контроля порта Карачи",
    "PK-BQM-PCU": "Группа портового контроля порта Касим",
    "PK-GWD-PCU": "Группа портового контроля порта Гвадар",
    "PK-LHE-DP": "Группа контроля сухого порта Лахор",
    "TM-TMZ-PCU": "Группа портового контроля морского порта Туркменбаши",
    "TM-ASB-ACCU": "Группа контроля авиагрузов аэропорта Ашхабад",
    "TM-SRH-LB": "Группа контроля пункта пропуска Серхетабат",
    "UA-ODS-PCU": "Группа портового контроля морского порта Одесса",
    "UA-CHO-PCU": "Группа портового контроля морского порта Черноморск",
    "UA-KBP-ACCU": "Группа контроля авиагрузов аэропорта Борисполь",
    "KZ-AKT-PCU": "Группа портового контроля морского порта Актау",
    "KZ-KHG-DP": "Группа контроля сухого порта «Хоргос — Восточные ворота»",
    "KZ-ALA-ACCU": "Группа контроля авиагрузов аэропорта Алматы",
    "KZ-NQZ-ACCU": "Группа контроля авиагрузов аэропорта Астаны",
    "KZ-DOS-LB": "Группа контроля пункта пропуска Достык",
    "KG-FRU-ACCU": "Группа контроля авиагрузов аэропорта Манас",
    "KG-OSS-ACCU": "Группа контроля авиагрузов аэропорта Ош",
    "KG-DOR-LB": "Группа контроля таможенного терминала Дордой",
    "TJ-DYU-ACCU": "Группа контроля авиагрузов аэропорта Душанбе",
    "TJ-DYU-DP": "Группа контроля таможенного терминала Душанбе",
    "TJ-PNJ-LB": "Группа контроля пункта пропуска Панджи Поён",
    "UZ-TAS-ACCU": "Группа контроля авиагрузов аэропорта Ташкент",
    "UZ-TAS-DP": "Группа контроля сухого порта Чукурсай (Ташкент)",
    "UZ-NVI-ACCU": "Группа контроля авиагрузов аэропорта Навои",
    "UZ-TRZ-LB": "Группа контроля пункта пропуска Термез",
}


def seed_member_admins(*, members, password) -> int:
    """Give each member a member admin ``manager.<cc>`` (same password as the other demo
    users) unless it already has an active member admin. Returns how many were created."""
    from django.contrib.auth import get_user_model

    from members import permissions
    from members.models import RoleName

    user_model = get_user_model()
    created = 0
    for code, member in sorted(members.items()):
        if permissions.member_has_active_member_admin(member):
            continue
        username = f"manager.{code.lower()}"
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model(
                username=username,
                email=f"{username}@iren.example",
                first_name="Member admin",
                last_name=member.name,
                member=member,
            )
            user.set_password(password)
            user.save()
            created += 1
        permissions.grant_role(user, member, RoleName.MEMBER_ADMIN)
    return created


#: The demo's release policies: Azerbaijan wants a second person to release its H2 and H3
#: queries and its network-shared seizure reports.
RELEASE_POLICIES = {"AZ": {"kinds": ["query", "seizure"], "handling_codes": ["H2", "H3"]}}


def seed_release_policies(*, members) -> int:
    """Set the demo release policies of members that have none yet, as one of their member
    admins (through the service, so they are audited). Returns how many were set."""
    from members.models import ReleasePolicy
    from members.permissions import member_admins
    from members.releases import release_policy_set

    done = 0
    for code, policy in RELEASE_POLICIES.items():
        member = members.get(code)
        if member is None or ReleasePolicy.objects.filter(member=member).exists():
            continue
        admin = member_admins(member).order_by("pk").first()
        if admin is None:
            continue
        release_policy_set(member=member, actor=admin, **policy)
        done += 1
    return done
