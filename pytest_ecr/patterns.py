"""botocore's patterns in Python's ``re`` dialect.

botocore's patterns are written for Java, where AWS checks a value with
``Pattern.matches()`` (the whole value must match). JSON Schema's ``pattern`` is an
unanchored search, so every pattern is translated to Python's ``re`` dialect (the one
jsonschema, hypothesis and the enforcement layer use) and wrapped as ``\\A(?:...)\\Z``.
"""

from __future__ import annotations

import functools
import re
import warnings


class EcrModelWarning(UserWarning):
    """Something in the installed model that pytest-ecr cannot express."""


class PatternTranslationError(ValueError):
    """A Java pattern that has no faithful Python equivalent."""

    def __init__(self, pattern: str, reason: str) -> None:
        super().__init__(f"cannot translate pattern {pattern!r}: {reason}")
        self.pattern = pattern
        self.reason = reason


# Java's predefined classes are ASCII-only unless UNICODE_CHARACTER_CLASS is set
# (java.util.regex.Pattern documentation, "Predefined character classes"); Python's
# are Unicode-aware for str patterns, so they are spelled out.
_JAVA_CLASSES_IN_SET = {
    "w": "A-Za-z0-9_",
    "d": "0-9",
    "s": " \\t\\n\\x0B\\f\\r",
}
_JAVA_CLASSES = {
    "w": "[A-Za-z0-9_]",
    "W": "[^A-Za-z0-9_]",
    "d": "[0-9]",
    "D": "[^0-9]",
    "s": "[ \\t\\n\\x0B\\f\\r]",
    "S": "[^ \\t\\n\\x0B\\f\\r]",
}
# Escapes both dialects read the same way.
_SHARED_ESCAPES = set("tnrfbBae0123456789xu\\.^$|?*+()[]{}-/")


def translate_pattern(pattern: str) -> str:
    """Translate a botocore (Java) pattern into an anchored Python full-match pattern.

    >>> translate_pattern("[0-9]{12}")
    '\\\\A(?:[0-9]{12})\\\\Z'
    """
    out: list[str] = []
    in_set = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            if i + 1 >= len(pattern):
                raise PatternTranslationError(pattern, "trailing backslash")
            nxt = pattern[i + 1]
            if nxt in _JAVA_CLASSES:
                if in_set:
                    if nxt not in _JAVA_CLASSES_IN_SET:
                        raise PatternTranslationError(pattern, f"negated class \\{nxt} in a set")
                    out.append(_JAVA_CLASSES_IN_SET[nxt])
                else:
                    out.append(_JAVA_CLASSES[nxt])
            elif nxt == "/":
                out.append("/")
            elif nxt in _SHARED_ESCAPES:
                out.append(ch + nxt)
            elif nxt in "pPQEGZzkR":
                raise PatternTranslationError(pattern, f"Java-only construct \\{nxt}")
            else:
                # An escaped punctuation character is a literal in both dialects.
                if nxt.isalnum():
                    raise PatternTranslationError(pattern, f"unknown escape \\{nxt}")
                out.append(re.escape(nxt))
            i += 2
            continue
        if in_set:
            if ch == "[":
                raise PatternTranslationError(pattern, "nested character class")
            if ch == "&" and pattern.startswith("&&", i):
                raise PatternTranslationError(pattern, "character class intersection (&&)")
            if ch == "]":
                in_set = False
            elif ch == "-" and out and out[-1] == "-":
                raise PatternTranslationError(pattern, "ambiguous '--' in a character class")
        elif ch == "[":
            in_set = True
            out.append(ch)
            # A ']' right after '[' or '[^' is a literal in Python but closes the set in Java.
            if pattern.startswith("^", i + 1):
                out.append("^")
                i += 1
            if pattern.startswith("]", i + 1):
                raise PatternTranslationError(pattern, "']' first in a character class")
            i += 1
            continue
        out.append(ch)
        i += 1
    if in_set:
        raise PatternTranslationError(pattern, "unterminated character class")
    body = "".join(out)
    translated = f"\\A(?:{body})\\Z"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            re.compile(translated)
    except (re.error, FutureWarning) as exc:
        raise PatternTranslationError(pattern, str(exc)) from exc
    return translated


@functools.cache
def warn_untranslatable(shape_name: str, pattern: str, reason: str) -> None:
    warnings.warn(
        f"ECR model shape {shape_name}: pattern {pattern!r} is left out of its schema ({reason})",
        EcrModelWarning,
        stacklevel=3,
    )
