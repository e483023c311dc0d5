"""Time-zone abbreviations people type (EST, PST, CET…), and the IANA zones they most likely mean.

Some are IANA names too (EST, MST, HST), but as zones they are fixed offsets: EST is UTC−5 all year,
so a 09:00 EST digest would come at 10:00 in a New York summer. Someone typing EST almost always
means New York's clock, so these are refused with the city zone (which follows daylight saving)
and, where it differs, the fixed-offset zone for the rare person who wants UTC−5 all year. The
legacy IANA names that do follow a region's rules (CET, EST5EDT, GB) are plain zones, accepted.
"""
from __future__ import annotations

# abbreviation → the zones it may mean, likeliest first, each as it is suggested
_MEANT: dict[str, tuple[str, ...]] = {
    "EST": ("America/New_York", "Etc/GMT+5 for UTC−5 all year"), "EDT": ("America/New_York",),
    "CST": ("America/Chicago", "Asia/Shanghai (China)", "Etc/GMT+6 for UTC−6 all year"), "CDT": ("America/Chicago",),
    "MST": ("America/Denver", "America/Phoenix for UTC−7 all year"), "MDT": ("America/Denver",),
    "PST": ("America/Los_Angeles", "Etc/GMT+8 for UTC−8 all year"), "PDT": ("America/Los_Angeles",),
    "AKST": ("America/Anchorage",), "AKDT": ("America/Anchorage",),
    "HST": ("Pacific/Honolulu",),
    "BST": ("Europe/London",), "CEST": ("Europe/Berlin", "Europe/Paris"), "EEST": ("Europe/Athens",),
    "IST": ("Asia/Kolkata (India)", "Europe/Dublin (Ireland)", "Asia/Jerusalem (Israel)"),
    "JST": ("Asia/Tokyo",), "KST": ("Asia/Seoul",),
    "AEST": ("Australia/Sydney", "Australia/Brisbane for UTC+10 all year"), "AEDT": ("Australia/Sydney",),
}


def is_abbreviation(word: str) -> bool:
    return word.strip().upper() in _MEANT


def abbreviation_hint(word: str) -> str | None:
    """What to say to someone who typed an abbreviation (None: it is not one we know): the zones
    they likely meant, never the abbreviation itself."""
    meant = _MEANT.get(word.strip().upper())
    if meant is None:
        return None
    options = meant[0] if len(meant) == 1 else f"{', '.join(meant[:-1])} or {meant[-1]}"
    return (f"'{word.strip().upper()}' is an abbreviation, not a time zone here. Did you mean {options}? "
            "A city's zone keeps its local time, daylight saving included.")
