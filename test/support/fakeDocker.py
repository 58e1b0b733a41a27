# The part of a Docker host that operator scripts query and act on: a table of containers with
# labels, `docker ps` with the filters and formats the scripts use, and `restart`/`stop`/`start`
# of what it names. Script tests put it behind their stand-in `docker`, so a script that lists the
# wrong containers (a filter dropped or misspelt) acts on the wrong ones and the test sees it.
#
#   fakeDocker.py <state.json> ps|restart|stop|start <docker arguments...>
#
# state.json: {"containers": [{"id": "...", "name": "...", "labels": {...}, "running": true}],
#              "actions": [["restart", "<id>"], ...]}   (actions are appended here)
#
# `ps` as the docker CLI and daemon do it: running containers unless -a; `--filter label=k=v` or
# `label=k`, several of them ANDed (moby api/types/filters/parse.go MatchKVList, v28.3.0: "true if
# all the pairs ... exist"); -q prints 12-character IDs; --format with {{.ID}}, {{.Names}} and
# {{.Label "k"}}. Anything else (another filter key, a flag, a table output) fails loudly (exit
# 125, as the CLI's usage errors): modelled from source or not accepted at all. An unknown
# container in restart/stop/start fails like the daemon's answer (exit 1).
import json, re, sys


class Refused(Exception):
    """What the docker CLI would refuse; exit 125 for usage errors, 1 for the daemon's answer."""

    def __init__(self, message, code=125):
        super().__init__(message)
        self.code = code


def parse_ps(args):
    opts = {"all": False, "quiet": False, "labels": [], "format": None}
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("--all", "--quiet") or re.fullmatch(r"-[aq]+", a):
            # Short flags combine, as the CLI takes them (-aq).
            opts["all"] = opts["all"] or a == "--all" or (a[1] != "-" and "a" in a)
            opts["quiet"] = opts["quiet"] or a == "--quiet" or (a[1] != "-" and "q" in a)
        elif a in ("-f", "--filter") or a.startswith("--filter="):
            value = a.split("=", 1)[1] if a.startswith("--filter=") else args[i + 1]
            i += 0 if a.startswith("--filter=") else 1
            key, _, rest = value.partition("=")
            if key != "label" or not rest:
                raise Refused("fake docker: filter %r is not modelled (only label=...)" % value)
            opts["labels"].append(rest)
        elif a == "--format":
            opts["format"] = args[i + 1]
            i += 1
        else:
            raise Refused("unknown flag: %s" % a)
        i += 1
    if not opts["quiet"] and opts["format"] is None:
        raise Refused("fake docker: table output is not modelled; use -q or --format")
    return opts


def matches(labels, wanted):
    for w in wanted:
        key, has_value, value = w.partition("=")
        if key not in labels or (has_value and labels[key] != value):
            return False
    return True


def render(template, c):
    def field(m):
        name = m.group(1)
        if name == ".ID":
            return c["id"][:12]
        if name == ".Names":
            return c["name"]
        label = re.fullmatch(r'\.Label "([^"]+)"', name)
        if label:
            return c["labels"].get(label.group(1), "")
        raise Refused("fake docker: format field %s is not modelled" % name)

    return re.sub(r"\{\{\s*([^}]*?)\s*\}\}", field, template)


def ps(state, args):
    opts = parse_ps(args)
    out = []
    for c in state["containers"]:
        if not (opts["all"] or c["running"]) or not matches(c["labels"], opts["labels"]):
            continue
        out.append(c["id"][:12] if opts["quiet"] else render(opts["format"], c))
    return out


def act(state, verb, args):
    names = []
    i = 0
    while i < len(args):
        if args[i] in ("-t", "--time", "-s", "--signal") and verb in ("stop", "restart"):
            i += 2
            continue
        if args[i].startswith("-"):
            raise Refused("unknown flag: %s" % args[i])
        names.append(args[i])
        i += 1
    if not names:
        raise Refused('"docker %s" requires at least 1 argument.' % verb)
    out = []
    for n in names:
        found = [c for c in state["containers"] if c["id"].startswith(n) or c["name"] == n]
        if len(n) < 12 and not any(c["name"] == n for c in found) or len(found) != 1:
            raise Refused("Error response from daemon: No such container: %s" % n, 1)
        c = found[0]
        c["running"] = verb != "stop"
        state.setdefault("actions", []).append([verb, c["id"]])
        out.append(n)
    return out


def main():
    path, verb, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    with open(path) as f:
        state = json.load(f)
    try:
        lines = ps(state, args) if verb == "ps" else act(state, verb, args)
    except Refused as e:
        sys.stderr.write("%s\n" % e)
        sys.exit(e.code)
    with open(path, "w") as f:
        json.dump(state, f)
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
