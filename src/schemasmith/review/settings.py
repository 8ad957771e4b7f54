"""The review's part of the configuration: `[tool.schemasmith.review]` (or `[review]` in
schemasmith.toml).

```toml
[tool.schemasmith.review]
profile = "supabase"             # default for --profile
fail-on = "error"                # default for --fail-on
ignore = ["SS208", "SS306"]      # rules switched off (codes or names)
tenant-table = "organizations"   # multi-tenant profile: the tenant root (found by name otherwise)
tenant-key = "organization_id"   # multi-tenant profile: the tenant key column

[tool.schemasmith.review.severity]
SS203 = "warning"                # change a rule's severity
```

Keys may be written with `-` or `_`. Unknown keys, unknown rule codes and bad severities are
errors that name the file and key.
"""

from __future__ import annotations

from ..config import Config, ConfigError
from .finding import SEVERITIES, Severity
from .options import ReviewSettings
from .profiles import UnknownProfileError, parse_profile
from .registry import UnknownRuleError, get_rule

__all__ = ["FAIL_ON", "KEYS", "ReviewSettings", "review_settings"]

KEYS = ("profile", "fail_on", "ignore", "severity", "tenant_table", "tenant_key")
FAIL_ON = ("error", "warning", "info")


def review_settings(config: Config) -> ReviewSettings:
    """Validate and read the review section of a configuration."""
    raw = config.section("review")
    data = {}
    for key, value in raw.items():
        normal = key.replace("-", "_")
        if normal not in KEYS:
            raise ConfigError(f"{config.where('review.' + key)}: unknown key; the review reads {', '.join(k.replace('_', '-') for k in KEYS)}")
        data[normal] = (key, value)

    def text(name: str) -> str | None:
        if name not in data:
            return None
        key, value = data[name]
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{config.where('review.' + key)} must be a non-empty string")
        return value.strip()

    profile = text("profile")
    if profile is not None:
        try:
            parse_profile(profile, config.where("review." + data["profile"][0]))
        except UnknownProfileError as error:
            raise ConfigError(str(error)) from None
    fail_on = text("fail_on")
    if fail_on is not None and fail_on not in FAIL_ON:
        raise ConfigError(f"{config.where('review.' + data['fail_on'][0])}: {fail_on!r} is not one of {', '.join(FAIL_ON)}")
    ignore: set[str] = set()
    if "ignore" in data:
        key, value = data["ignore"]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{config.where('review.' + key)} must be a list of rule codes")
        for item in value:
            ignore.add(_code(item, config.where("review." + key)))
    severity: dict[str, Severity] = {}
    if "severity" in data:
        key, value = data["severity"]
        if not isinstance(value, dict):
            raise ConfigError(f"{config.where('review.' + key)} must be a table of rule code = severity")
        for code, level in value.items():
            where = config.where(f"review.{key}.{code}")
            if level not in SEVERITIES:
                raise ConfigError(f"{where}: {level!r} is not one of {', '.join(SEVERITIES)}")
            severity[_code(code, where)] = level
    return ReviewSettings(profile, fail_on, frozenset(ignore), severity, text("tenant_table"), text("tenant_key"))


def _code(text: str, where: str) -> str:
    try:
        return get_rule(text).code
    except UnknownRuleError as error:
        raise ConfigError(f"{where}: {error}") from None
