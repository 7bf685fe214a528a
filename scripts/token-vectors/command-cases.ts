// Command vectors (spec 1.5): syntax, and coverage between a parent and a child command.

interface CommandCase {
  description: string;
  cmd: unknown;
  valid: boolean;
  error?: string;
}

interface CoverageCase {
  description: string;
  parent: string;
  child: string;
  covers: boolean;
}

const ok = (cmd: string, description = `${cmd} is well-formed`): CommandCase => ({
  description,
  cmd,
  valid: true,
});
const bad = (cmd: unknown, description: string): CommandCase => ({
  description,
  cmd,
  valid: false,
  error: "ERR_CMD_MALFORMED",
});

/** Command syntax vectors. */
export function commandCases(): CommandCase[] {
  return [
    ok("/", "/ alone covers everything"),
    ok("/twitter"),
    ok("/twitter/post"),
    ok("/a-b_c/0-9"),
    bad("", "the empty string"),
    bad("twitter", "no leading slash"),
    bad("/twitter/", "a trailing slash"),
    bad("//twitter", "an empty first segment"),
    bad("/twitter//post", "an empty inner segment"),
    bad("/twitter/../admin", "a .. segment"),
    bad("/twitter/./post", "a . segment"),
    bad("/Twitter", "upper case"),
    bad("/twitter/post%2F", "percent-encoding"),
    bad("/twitter post", "a space"),
    bad("/twitter\\post", "a backslash"),
    bad("/twïtter", "a non-ASCII letter"),
    bad(`/${"a".repeat(256)}`, "longer than 256 characters"),
    bad(42, "not a string"),
  ];
}

/** Command coverage vectors. */
export function coverageCases(): CoverageCase[] {
  const c = (parent: string, child: string, covers: boolean, description: string) => ({
    description,
    parent,
    child,
    covers,
  });
  return [
    c("/", "/twitter/post", true, "/ covers everything"),
    c("/", "/", true, "/ covers itself"),
    c("/twitter", "/twitter", true, "a command covers itself"),
    c("/twitter", "/twitter/post", true, "a command covers its children"),
    c("/twitter", "/twitter/post/thread", true, "a command covers its descendants"),
    c("/twitter", "/twitterx", false, "never a sibling with a common prefix"),
    c("/twitter/post", "/twitter", false, "a child never covers its parent"),
    c("/twitter/post", "/", false, "nothing but / covers /"),
    c("/twitter", "/mail", false, "an unrelated command"),
  ];
}
