#!/usr/bin/env python3
"""Independent reference implementation of docs/spec/handles.md, sections 2 to 5.

Written from the spec alone, with the Python standard library only, so that the TypeScript
implementation is checked against a second reading of the text. Running it prints the vector
file packages/protocol/test/vectors/handles.json:

    python3 docs/spec/handles-reference.py > packages/protocol/test/vectors/handles.json
"""

import base64
import hashlib
import hmac
import json
import re
import unicodedata

POW_LABEL = b"ants-handle-pow-v1\x00"
CHALLENGE_LABEL = b"ants-handle-challenge-v1\x00"
SUB_PUZZLES = 32
MEMORY_BELOW = 6
SCRYPT = dict(n=2**14, r=8, p=1, dklen=32, maxmem=64 * 1024 * 1024)
ALPHABET = re.compile(r"[a-z0-9-]")


class Refused(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text):
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text) or len(text) % 4 == 1:
        raise Refused("ERR_BASE64URL_INVALID")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64(data) != text:
        raise Refused("ERR_BASE64URL_INVALID")
    return data


def lp(text):
    data = text.encode()
    return len(data).to_bytes(2, "big") + data


# Section 2.1
def normalize(text):
    if len(text.encode("utf-16-le")) // 2 > 128:
        raise Refused("ERR_HANDLE_INVALID")
    name = unicodedata.normalize("NFKC", text).lower()
    if any(not ALPHABET.fullmatch(c) for c in name):
        raise Refused("ERR_HANDLE_INVALID")
    if not 3 <= len(name) <= 32:
        raise Refused("ERR_HANDLE_INVALID")
    if name.startswith("-") or name.endswith("-") or "--" in name:
        raise Refused("ERR_HANDLE_INVALID")
    return name


# Section 2.2
def validate(text, reserved):
    name = normalize(text)
    if name in {normalize(entry) for entry in reserved}:
        raise Refused("ERR_HANDLE_RESERVED")
    return name


# Section 2.3
LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def parse_ref(text):
    if len(text.encode("utf-16-le")) // 2 > 400:
        raise Refused("ERR_HANDLE_INVALID")
    text = unicodedata.normalize("NFKC", text)
    parts = (text[1:] if text.startswith("@") else text).split("@")
    if len(parts) > 2:
        raise Refused("ERR_HANDLE_INVALID")
    name = normalize(parts[0])
    if len(parts) == 1:
        return name, None
    if parts[1].startswith("["):
        raise Refused("ERR_NOT_SUPPORTED")
    host = parts[1].lower()
    hostname, _, port = host.rpartition(":") if ":" in host else (host, "", None)
    if port is not None and (not re.fullmatch(r"[1-9][0-9]{0,4}", port) or int(port) > 65535):
        raise Refused("ERR_HANDLE_INVALID")
    labels = hostname.split(".")
    if len(hostname) > 253 or not all(LABEL.fullmatch(label) for label in labels):
        raise Refused("ERR_HANDLE_INVALID")
    return name, host


# Section 3
def challenge_mac(secret, nonce, handle, agent, difficulty, expires_at):
    message = (
        CHALLENGE_LABEL
        + nonce
        + difficulty.to_bytes(8, "big")
        + expires_at.to_bytes(8, "big")
        + lp(handle)
        + lp(agent)
    )
    return hmac.new(secret, message, hashlib.sha256).digest()


def issue(secret, nonce, handle, agent, difficulty, expires_at):
    handle = normalize(handle)
    seed = nonce + challenge_mac(secret, nonce, handle, agent, difficulty, expires_at)
    return dict(handle=handle, agent=agent, difficulty=difficulty, expiresAt=expires_at,
                seed=b64(seed))


def verify_challenge(challenge, secret, now):
    handle = challenge["handle"]
    if normalize(handle) != handle:
        raise Refused("ERR_HANDLE_INVALID")
    agent = challenge["agent"]
    if len(agent) > 128 or not agent.startswith("did:key:"):
        raise Refused("ERR_MALFORMED")
    difficulty = challenge["difficulty"]
    if not isinstance(difficulty, int) or not 32 <= difficulty <= 2**40:
        raise Refused("ERR_MALFORMED")
    expires_at = challenge["expiresAt"]
    if not isinstance(expires_at, int) or not 0 <= expires_at < 2**53:
        raise Refused("ERR_MALFORMED")
    if not isinstance(challenge["seed"], str) or len(challenge["seed"]) != 64:
        raise Refused("ERR_MALFORMED")
    seed = unb64(challenge["seed"])
    mac = challenge_mac(secret, seed[:16], handle, agent, difficulty, expires_at)
    if not hmac.compare_digest(mac, seed[16:]):
        raise Refused("ERR_POW_INVALID")
    if now >= expires_at:
        raise Refused("ERR_POW_EXPIRED")


# Section 4
def context_of(challenge):
    seed = unb64(challenge["seed"])
    data = POW_LABEL + seed + lp(challenge["handle"]) + lp(challenge["agent"])
    return hashlib.sha256(data).digest()


def target_of(difficulty):
    return (2**64 * SUB_PUZZLES) // difficulty


def passes(context, k, nonce, target):
    digest = hashlib.sha256(context + bytes([k]) + nonce).digest()
    return int.from_bytes(digest[:8], "big") < target


def solve(challenge):
    context = context_of(challenge)
    target = target_of(challenge["difficulty"])
    nonces = b""
    for k in range(SUB_PUZZLES):
        counter = 0
        while not passes(context, k, counter.to_bytes(8, "big"), target):
            counter += 1
        nonces += counter.to_bytes(8, "big")
    solution = dict(nonces=b64(nonces))
    if len(challenge["handle"]) < MEMORY_BELOW:
        solution["memo"] = b64(hashlib.scrypt(nonces, salt=context, **SCRYPT))
    return solution


# Section 5, steps 1 to 6
def verify(challenge, solution, handle, agent, secret, now):
    verify_challenge(challenge, secret, now)
    if normalize(handle) != challenge["handle"] or agent != challenge["agent"]:
        raise Refused("ERR_POW_INVALID")
    nonces_text = solution.get("nonces")
    if not isinstance(nonces_text, str) or len(nonces_text) != 342:
        raise Refused("ERR_MALFORMED")
    nonces = unb64(nonces_text)
    short = len(challenge["handle"]) < MEMORY_BELOW
    if not short and "memo" in solution:
        raise Refused("ERR_MALFORMED")
    if short and "memo" not in solution:
        raise Refused("ERR_POW_INVALID")
    if short and len(solution["memo"]) != 43:
        raise Refused("ERR_MALFORMED")
    memo = unb64(solution["memo"]) if short else None
    context = context_of(challenge)
    target = target_of(challenge["difficulty"])
    for k in range(SUB_PUZZLES):
        if not passes(context, k, nonces[8 * k : 8 * k + 8], target):
            raise Refused("ERR_POW_INVALID")
    if short and not hmac.compare_digest(hashlib.scrypt(nonces, salt=context, **SCRYPT), memo):
        raise Refused("ERR_POW_INVALID")


def did_key(public_key):
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    data = b"\xed\x01" + public_key
    number = int.from_bytes(data, "big")
    text = ""
    while number:
        number, digit = divmod(number, 58)
        text = alphabet[digit] + text
    return "did:key:z" + "1" * (len(data) - len(data.lstrip(b"\x00"))) + text


def outcome(function, *args):
    try:
        result = function(*args)
        return {"valid": True, **(result if isinstance(result, dict) else {})}
    except Refused as refusal:
        return {"valid": False, "error": refusal.code}


HANDLE_CASES = [
    ("lower-case ASCII is already canonical", "kevin"),
    ("upper case folds to lower case", "KEVIN"),
    ("mixed case folds to lower case", "KeViN"),
    ("fullwidth letters fold through NFKC", "\uff4b\uff45\uff56\uff49\uff4e"),
    ("fullwidth capitals fold through NFKC then lower case", "\uff2b\uff25\uff36\uff29\uff2e"),
    ("mathematical bold letters fold through NFKC", "\U0001d424\U0001d41e\U0001d42f\U0001d422\U0001d427"),
    ("circled letters fold through NFKC", "\u24da\u24d4\u24e5\u24d8\u24dd"),
    ("the Kelvin sign folds to k", "\u212aevin"),
    ("the fi ligature folds to two letters", "\ufb01nance"),
    ("digits and a single inner hyphen", "agent-007"),
    ("fullwidth hyphen-minus folds to -", "a\uff0db-c"),
    ("digits only", "123"),
    ("exactly 3 characters", "abc"),
    ("exactly 32 characters", "a" * 32),
    ("2 characters is too short", "ab"),
    ("33 characters is too long", "a" * 33),
    ("the empty string", ""),
    ("input over 128 code units is refused before NFKC", "a" * 129),
    ("one Cyrillic e (U+0435) among Latin letters: mixed script", "k\u0435vin"),
    ("Cyrillic a (U+0430) imitating Latin a", "\u0430lice"),
    ("an all-Cyrillic look-alike of 'ace'", "\u0430\u0441\u0435"),
    ("Greek omicron (U+03BF) imitating o", "b\u03bfb"),
    ("Greek alpha appended to Latin letters", "kevin\u03b1"),
    ("zero-width space (U+200B)", "kev\u200bin"),
    ("zero-width non-joiner (U+200C)", "kev\u200cin"),
    ("zero-width joiner (U+200D)", "kev\u200din"),
    ("word joiner (U+2060)", "kev\u2060in"),
    ("byte-order mark (U+FEFF) in front", "\ufeffkevin"),
    ("soft hyphen (U+00AD)", "kev\u00adin"),
    ("combining acute accent composes to i-acute (U+00ED)", "kevi\u0301n"),
    ("precomposed e-acute", "ren\u00e9"),
    ("dotted capital I lower-cases to i plus U+0307", "\u0130nfo"),
    ("non-breaking hyphen (U+2011)", "kevin\u2011smith"),
    ("minus sign (U+2212)", "kevin\u2212smith"),
    ("leading hyphen", "-kevin"),
    ("trailing hyphen", "kevin-"),
    ("double hyphen (also rules out xn-- names)", "xn--kevin"),
    ("underscore", "kevin_smith"),
    ("dot", "kevin.smith"),
    ("space", "kevin smith"),
    ("leading @ is not part of a name", "@kevin"),
    ("emoji", "kevin\U0001f600"),
    ("a ligature NFKC expands to words with spaces (U+FDFA)", "\ufdfa"),
]

RESERVED_CASES = [
    ("a reserved name is refused", "admin", ["admin", "root"]),
    ("a reserved name in capitals is refused after folding", "ADMIN", ["admin"]),
    ("a reserved name in fullwidth is refused after folding", "\uff41\uff44\uff4d\uff49\uff4e", ["admin"]),
    ("configured entries are normalised too", "acme", ["Acme"]),
    ("a name not on the list is accepted", "kevin", ["admin"]),
    ("an empty list reserves nothing", "admin", []),
    ("syntax is checked before the list", "\u0430dmin", ["admin"]),
]

REF_CASES = [
    ("bare name", "kevin"),
    ("name with @", "@kevin"),
    ("full form across relays", "@Kevin@Relay.Example.com"),
    ("name@host without leading @", "kevin@relay.example.com"),
    ("host with a port", "@kevin@relay.example.com:8443"),
    ("localhost with a port", "@kevin@localhost:8787"),
    ("IPv4 host with a port", "@kevin@127.0.0.1:8787"),
    ("fullwidth at signs separate like @", "\uff20kevin\uff20relay.example.com"),
    ("two hosts", "@kevin@a.example@b.example"),
    ("empty host", "@kevin@"),
    ("empty name", "@@relay.example.com"),
    ("trailing dot on the host", "@kevin@relay.example.com."),
    ("empty label in the host", "@kevin@relay..example.com"),
    ("label starting with a hyphen", "@kevin@-relay.example.com"),
    ("port 0", "@kevin@relay.example.com:0"),
    ("port above 65535", "@kevin@relay.example.com:65536"),
    ("port with a leading zero", "@kevin@relay.example.com:08443"),
    ("empty port", "@kevin@relay.example.com:"),
    ("non-ASCII host (use punycode)", "@kevin@r\u00e9lay.example"),
    ("punycode host", "@kevin@xn--rlay-bpa.example"),
    ("homoglyph in the name of a full form", "@k\u0435vin@relay.example.com"),
    ("IPv6 literal host", "@kevin@[::1]:8787"),
]


def build_pow(agent, other_agent):
    secret = bytes(range(32))
    other_secret = bytes(range(1, 33))
    nonce = bytes(range(0xA0, 0xB0))
    expires_at, now = 1_900_000_000, 1_899_999_000
    long = issue(secret, nonce, "kevin-smith", agent, 4096, expires_at)
    short = issue(secret, bytes(range(0xB0, 0xC0)), "Bob", agent, 256, expires_at)
    other = issue(secret, bytes(range(0xC0, 0xD0)), "alice-smith", agent, 4096, expires_at)
    long_solution, short_solution = solve(long), solve(short)
    challenges = []
    for challenge, solution, nonce_bytes in [(long, long_solution, nonce), (short, short_solution, bytes(range(0xB0, 0xC0)))]:
        challenges.append(dict(
            description=f"challenge and reference solution for {challenge['handle']}",
            secret=secret.hex(), nonce=nonce_bytes.hex(), challenge=challenge,
            context=context_of(challenge).hex(),
            target=format(target_of(challenge["difficulty"]), "016x"),
            solution=solution))

    def case(description, challenge, solution, handle=None, claim_agent=None, key=secret, at=now):
        handle = handle if handle is not None else challenge.get("handle")
        claim_agent = claim_agent or agent
        result = outcome(verify, challenge, solution, handle, claim_agent, key, at)
        return dict(description=description, challenge=challenge, solution=solution,
                    handle=handle, agent=claim_agent, secret=key.hex(), now=at, **result)

    nonces = unb64(long_solution["nonces"])
    flipped = next(
        nonces[: 8 * k] + bytes([nonces[8 * k] ^ 0x80]) + nonces[8 * k + 1 :]
        for k in range(SUB_PUZZLES)
        if not passes(context_of(long), k, bytes([nonces[8 * k] ^ 0x80]) + nonces[8 * k + 1 : 8 * k + 8], target_of(4096))
    )
    seed = unb64(long["seed"])
    forged = dict(long, seed=b64(seed[:47] + bytes([seed[47] ^ 1])))
    loose = long_solution["nonces"][:-1] + chr(ord(long_solution["nonces"][-1]) + 1)
    return challenges, [
        case("a solution for a long handle verifies", long, long_solution),
        case("a solution for a short handle verifies with its memory-hard step", short, short_solution),
        case("the claimed handle may be written in any spelling of the same name", long, long_solution, handle="Kevin-Smith"),
        case("an expired challenge (now equals expiresAt)", long, long_solution, at=expires_at),
        case("a forged seed (last MAC byte flipped)", forged, long_solution),
        case("a challenge whose difficulty was lowered", dict(long, difficulty=2048), long_solution),
        case("a challenge whose difficulty was raised", dict(long, difficulty=8192), long_solution),
        case("a challenge edited to another handle", dict(long, handle="alice-smith"), long_solution),
        case("a challenge edited to another agent", dict(long, agent=other_agent), long_solution),
        case("a challenge whose expiry was extended", dict(long, expiresAt=expires_at + 3600), long_solution),
        case("a challenge issued under another relay secret", long, long_solution, key=other_secret),
        case("a genuine challenge used to claim another handle", long, long_solution, handle="alice-smith"),
        case("a genuine challenge used by another agent", long, long_solution, claim_agent=other_agent),
        case("a solution carried over to a genuine challenge for another handle", other, long_solution),
        case("one nonce altered", long, dict(nonces=b64(flipped))),
        case("nonces one byte short", long, dict(nonces=b64(nonces[:-1]))),
        case("nonces with non-zero trailing bits", long, dict(nonces=loose)),
        case("a memo on a long handle's solution", long, dict(long_solution, memo=short_solution["memo"])),
        case("a short handle's solution without its memo", short, dict(nonces=short_solution["nonces"])),
        case("a short handle's solution with a wrong memo", short, dict(short_solution, memo=b64(bytes(32)))),
        case("a challenge handle not in canonical form", dict(long, handle="Kevin-Smith"), long_solution),
        case("a difficulty below one hash per sub-puzzle", dict(long, difficulty=31), long_solution),
        case("a difficulty that is not an integer", dict(long, difficulty=4096.5), long_solution),
        case("a seed of the wrong length", dict(long, seed=b64(seed[:47])), long_solution),
    ]


def main():
    agent = did_key(bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"))
    other_agent = did_key(bytes.fromhex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"))
    challenges, verifications = build_pow(agent, other_agent)
    vectors = {
        "source": "docs/spec/handles.md version 1 (ants-handle-pow-v1); values computed by "
        "docs/spec/handles-reference.py (Python standard library, Unicode "
        + unicodedata.unidata_version + "); agents are the did:keys of RFC 8032 section 7.1 "
        "test keys 1 and 2",
        "handles": [dict(description=d, input=i, **outcome(lambda t: {"name": normalize(t)}, i))
                    for d, i in HANDLE_CASES],
        "reserved": [dict(description=d, input=i, reserved=r,
                          **outcome(lambda t, l: {"name": validate(t, l)}, i, r))
                     for d, i, r in RESERVED_CASES],
        "refs": [dict(description=d, input=i,
                      **outcome(lambda t: dict(zip(("name", "relay"), parse_ref(t))), i))
                 for d, i in REF_CASES],
        "challenges": challenges,
        "verifications": verifications,
    }
    print(json.dumps(vectors, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
