# Stand-in `pulumi`, `docker`, `npm`, `gh`, `ssh-agent`, `ssh-add` and `ssh` for the dry run of the CI steps
# (installed under those names; the name called picks the behaviour). They share a JSON state file,
# so `pulumi up` after a rotation changes the passwords and the container IDs that `docker` then
# shows, as the program would, and `gh` keeps the issues it was asked to open. Every call is logged
# (one JSON line: tool, args); secrets never come in through args.
# Knobs (environment): FAKE_FAIL=<pulumi verb> makes it fail; FAKE_SMOKE_EXIT; FAKE_EXTRA_REPLACED
# (a container the rotation also replaces); FAKE_KEEP_OLD_PG / FAKE_KEEP_OLD_REDIS (old password
# still accepted); FAKE_LOSE_DATA (the rotation loses the data); FAKE_DOCKER_DOWN; FAKE_DOCKER_HOST_CONFIG;
# FAKE_ENGINE ("<version> <api>" of `docker version`).
# `pulumi preview --json`: FAKE_PREVIEW_DIR holds <stack>.preview.json / .events.jsonl / .state.json
# / .log to answer with (a preview with no change otherwise); FAKE_FAIL_STACK=<stack> fails that
# stack's preview with its .log; with --expect-no-changes a preview with changes exits 255 after
# printing it, as the CLI does (pkg/cmd/pulumi/operations/preview.go, NoChangesExpectedError).
import json, os, sys, time

import fakeDocker  # copied beside this file (test/ci/fakes.ts)

STATE = os.environ["FAKE_STATE"]
tool = os.path.basename(sys.argv[0])
args = sys.argv[1:]
env = os.environ

APPS = ["agente-deposito", "agente-negocio", "ml-service", "dashboard"]
CONTAINERS = APPS + ["postgres", "redis", "prometheus", "alertmanager", "node-exporter", "cadvisor",
                     "postgres-exporter", "redis-exporter", "grafana", "loki", "alloy"]
# What the program replaces for each rotated secret (docs/configuration.md, "Rotating a secret").
REPLACES = {"postgresPassword": APPS, "redisPassword": APPS + ["redis", "redis-exporter"]}
SECRET_NAMES = ["postgresPassword", "redisPassword", "grafanaAdminPassword", "postgresAdminPassword"]


def load():
    if os.path.exists(STATE):
        with open(STATE) as f:
            return json.load(f)
    return {"stacks": {}, "generation": 0}


def save(s):
    with open(STATE, "w") as f:
        json.dump(s, f)


def log():
    with open(env["FAKE_LOG"], "a") as f:
        f.write(json.dumps({"tool": tool, "args": args}) + "\n")


def fail(msg, code=1):
    sys.stderr.write(msg + "\n")
    sys.exit(code)


def secret(name, rotation):
    # Characters that break naive quoting, and unique per value, so any leak is found.
    return "%s-v%d-&?!)'\"$x-%s" % (name, rotation, env.get("FAKE_SECRET_SALT", "s4lt"))


def dashboard_answers():
    """Statuses the fake dashboard answered (test/ci/fakeDashboard.py logs them)."""
    log = env.get("FAKE_DASHBOARD_LOG")
    if not log or not os.path.exists(log):
        return []
    with open(log) as f:
        return f.read().split()


def wait_until(condition, seconds=60):
    """Bounded: if it never holds, the test's own assertions report what is missing."""
    deadline = time.time() + seconds
    while not condition() and time.time() < deadline:
        time.sleep(0.02)


def opt(name):
    return args[args.index(name) + 1] if name in args else None


def pulumi(s):
    verb = args[0]
    if env.get("FAKE_FAIL") == verb or (env.get("FAKE_FAIL") == "up-again" and verb == "up" and s.get("ups", 0) >= 1):
        fail("error: fake %s failed" % verb)
    stack = opt("--stack")
    if verb == "login":
        s["backend"] = args[1]
        print("Logged in to fake-host as runner (%s)" % args[1])
    elif verb == "stack" and args[1] == "init":
        if not (env.get("PULUMI_CONFIG_PASSPHRASE") or os.path.exists(env.get("PULUMI_CONFIG_PASSPHRASE_FILE", "/nonexistent"))):
            fail("error: passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE")
        if env.get("PULUMI_CONFIG_PASSPHRASE_FILE"):
            with open(env["PULUMI_CONFIG_PASSPHRASE_FILE"]) as f:
                s["passphrase"] = f.read()
        s["stacks"][args[2]] = {"rotations": {}, "applied": {}, "containers": {}, "rows": [], "keys": {}}
    elif verb == "stack" and args[1] == "select":
        if args[2] not in s["stacks"]:
            fail("error: no stack named '%s' found" % args[2], 255)
    elif verb == "stack" and args[1] == "rm":
        st = s["stacks"].get(args[2])
        if st is None:
            fail("error: no stack named '%s' found" % args[2], 255)
        if st["containers"] and "--force" not in args:
            fail("error: 'ci' still has resources; use --force", 255)
        del s["stacks"][args[2]]
    elif verb == "config" and args[1] == "set":
        key = args[args.index("--path") + 1]
        kind, name = key.split(".", 1)
        if kind == "services":
            s["stacks"][stack].setdefault("services", {})[name] = args[-1]
        else:
            s["stacks"][stack]["rotations"][name] = int(args[-1])
    elif verb == "config" and args[1] == "get":
        if args[2] == "dockerHost" and env.get("FAKE_DOCKER_HOST_CONFIG"):
            print(env["FAKE_DOCKER_HOST_CONFIG"])
        else:
            fail("error: configuration key 'minimarket:%s' not found" % args[2], 255)
    elif verb == "up":
        st = s["stacks"].setdefault(stack, {"rotations": {}, "applied": {}, "containers": {}, "rows": [], "keys": {}})
        s["ups"] = s.get("ups", 0) + 1
        replaced = set()
        for name, n in st["rotations"].items():
            if st["applied"].get(name, 0) != n:
                replaced.update(REPLACES[name])
        if replaced and env.get("FAKE_EXTRA_REPLACED"):
            replaced.add(env["FAKE_EXTRA_REPLACED"])
        if st["rotations"] and replaced and env.get("FAKE_LOSE_DATA"):
            st["rows"], st["keys"] = [], {}
        if st.get("services", {}) != st.get("appliedServices", {}) and not env.get("FAKE_BUMP_KEEPS"):
            replaced.add("dashboard")
            # The replacement lasts until the request loop has reached the dashboard during it (a
            # dropped request, or 10 answered), not a fixed time.
            served = lambda status: dashboard_answers().count(status)
            if env.get("FAKE_BUMP_DROPS"):
                dropped = served("502")
                open(env["FAKE_BUMP_DROPS"], "w").close()
                wait_until(lambda: served("502") >= dropped + 1)
                os.remove(env["FAKE_BUMP_DROPS"])
            else:
                before = served("200")
                wait_until(lambda: served("200") >= before + 10)
        st["appliedServices"] = dict(st.get("services", {}))
        st["previous"] = dict(st["applied"])
        st["applied"] = dict(st["rotations"])
        for c in CONTAINERS:
            if c not in st["containers"] or c in replaced:
                s["generation"] += 1
                st["containers"][c] = "%012x" % (0xc0ffee000 + s["generation"])
        # Volumes belong to the Docker host: they outlive the stack (retainOnDelete).
        s["volumes"] = sorted(set(s.get("volumes", [])) | {"minimarket-%s-pgdata" % stack, "minimarket-%s-redisdata" % stack})
        print("Resources: %d changed" % len(replaced))
    elif verb == "preview" and "--json" in args:
        preview_json(stack)
    elif verb == "preview":
        print("Resources: %d unchanged" % len(CONTAINERS))
    elif verb == "stack" and args[1] == "export":
        exported = fake_file(stack, "state.json")
        with open(opt("--file"), "w") as f:
            f.write(exported if exported is not None else json.dumps({"version": 3, "deployment": {"resources": []}}))
    elif verb == "version":
        print("v3.248.0")
    elif verb == "stack" and args[1] == "output" and args[-1] == "dashboardUrl":
        print(env.get("FAKE_DASHBOARD_URL", "http://127.0.0.1:9"))
    elif verb == "stack" and args[1] == "output":
        st = s["stacks"][stack]
        print(json.dumps({n: secret(n, st["applied"].get(n, 0)) for n in SECRET_NAMES}))
    elif verb == "destroy":
        s["stacks"][stack]["containers"] = {}
    else:
        fail("fake pulumi: unexpected %s" % " ".join(args), 2)


def fake_file(stack, suffix):
    d = env.get("FAKE_PREVIEW_DIR")
    path = os.path.join(d, "%s.%s" % (stack, suffix)) if d else None
    if path and os.path.exists(path):
        with open(path) as f:
            return f.read()
    return None


def preview_json(stack):
    # The engine writes its events as they happen: a preview that fails on a policy has them.
    if opt("--event-log"):
        with open(opt("--event-log"), "w") as f:
            f.write(fake_file(stack, "events.jsonl") or json.dumps({"sequence": 0, "policyLoadEvent": {}}) + "\n")
    if env.get("FAKE_FAIL_STACK") == stack:
        fail(fake_file(stack, "log") or "error: fake preview of %s failed" % stack, 255)
    digest = fake_file(stack, "preview.json")
    if digest is None:
        root = "urn:pulumi:%s::minimarket::pulumi:pulumi:Stack::minimarket-%s" % (stack, stack)
        digest = json.dumps({"steps": [{"op": "same", "urn": root}], "changeSummary": {"same": 1}})
    if opt("--save-plan"):
        with open(opt("--save-plan"), "w") as f:
            f.write(json.dumps({"resourcePlans": {}}))
    print(digest)
    changes = [st for st in json.loads(digest).get("steps", []) if st["op"] not in ("same", "read", "refresh")]
    if "--expect-no-changes" in args and changes:
        fail("error: no changes were expected for preview but changes were proposed", 255)


def accepted(st, name, keep_old):
    ok = {secret(name, st["applied"].get(name, 0))}
    if keep_old:
        ok.add(secret(name, st.get("previous", {}).get(name, 0)))
    return ok


def docker(s):
    if env.get("FAKE_DOCKER_DOWN"):
        fail("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?")
    verb = args[0]
    stacks = s["stacks"]
    if verb == "info":
        print("Server Version: fake")
    elif verb == "version":
        print(env.get("FAKE_ENGINE", "27.5.1 1.47"))
    elif verb == "image" and args[1] == "ls":
        pass
    elif verb == "ps":
        # Every stack's containers on the one host, with the program's labels; the shared model
        # (test/support/fakeDocker.py) applies the filters, so a script asking for the wrong ones gets them.
        host = {"containers": [
            {"id": cid + "0" * 52, "name": "minimarket-%s-%s" % (name, c), "running": True,
             "labels": {"com.minimarket.environment": name, "com.minimarket.service": c,
                        "com.minimarket.role": "app" if c in APPS else "data" if c in ("postgres", "redis") else "observability"}}
            for name, st in sorted(stacks.items()) for c, cid in sorted(st["containers"].items())]}
        try:
            for line in fakeDocker.ps(host, args[1:]):
                print(line)
        except fakeDocker.Refused as e:
            fail(str(e), e.code)
    elif verb == "exec":
        name = [a for a in args[1:] if a.startswith("minimarket-")][0]
        stack = name[len("minimarket-"):].rsplit("-", 1)[0]
        st = stacks[stack]
        if "psql" in args:
            if env.get("PGPASSWORD") not in accepted(st, "postgresPassword", env.get("FAKE_KEEP_OLD_PG")):
                fail('psql: error: connection to server at "127.0.0.1", port 5432 failed: FATAL:  password authentication failed for user "minimarket_app"', 2)
            sql = args[-1]
            if "INSERT INTO ci_rotation_check" in sql:
                st["rows"].append(sql.split("VALUES ('")[1].split("'")[0])
            elif "SELECT marker" in sql:
                want = sql.split("marker = '")[1].split("'")[0]
                if want in st["rows"]:
                    print(want)
            else:
                print("1")
        elif "redis-cli" in args:
            if env.get("REDISCLI_AUTH") not in accepted(st, "redisPassword", env.get("FAKE_KEEP_OLD_REDIS")):
                print("AUTH failed: WRONGPASS invalid username-password pair or user is disabled.")
                print("NOAUTH Authentication required.")
                return
            cmd = args[args.index("--no-auth-warning") + 1:]
            if cmd[0] == "SET":
                st["keys"][cmd[1]] = cmd[2]
                print("OK")
            elif cmd[0] == "GET":
                print(st["keys"].get(cmd[1], ""))
            elif cmd[0] == "PING":
                print("PONG")
        else:
            fail("fake docker: unexpected exec", 2)
    elif verb == "volume" and args[1] == "ls":
        label = opt("--filter").split("=", 2)[2]
        for v in s.get("volumes", []):
            if v.startswith("minimarket-%s-" % label):
                print(v)
    elif verb == "volume" and args[1] == "rm":
        s["volumes"] = [v for v in s.get("volumes", []) if v not in args[2:]]
    else:
        fail("fake docker: unexpected %s" % " ".join(args), 2)


def ssh(_s):
    # The shared connection of scripts/stack.sh (master, then `-O exit`): nothing to reach here.
    pass


def npm(_s):
    if args[:3] == ["run", "--silent", "render"]:
        # The config files: none differ in a dry run.
        os.makedirs(opt("--out"), exist_ok=True)
        return
    if args[:3] == ["run", "--silent", "smoke"]:
        code = int(env.get("FAKE_SMOKE_EXIT", "0"))
        print("smoke: 12 passed, 0 failed" if code == 0 else "FAIL  grafana login  refused\nsmoke: 11 passed, 1 failed")
        sys.exit(code)
    if args[0] != "ci":
        fail("fake npm: unexpected %s" % " ".join(args), 2)


def gh(s):
    issues = s.setdefault("issues", [])
    if args[:2] == ["label", "create"]:
        s.setdefault("labels", [])
        if args[2] not in s["labels"]:
            s["labels"].append(args[2])
        return
    if args[0] != "issue":
        fail("fake gh: unexpected %s" % " ".join(args), 2)
    verb = args[1]
    body = lambda: open(opt("--body-file")).read() if opt("--body-file") else opt("--body")
    if verb == "list":
        wanted = [i for i in issues if i["state"] == opt("--state").upper() and opt("--label") in i["labels"]]
        fields = opt("--json").split(",")
        print(json.dumps([{k: i[k] for k in fields} for i in wanted]))
    elif verb == "create":
        if opt("--label") not in s.get("labels", []):
            fail("could not add label: '%s' not found" % opt("--label"), 1)
        number = len(issues) + 1
        issues.append({"number": number, "title": opt("--title"), "body": body(), "state": "OPEN", "labels": [opt("--label")], "comments": []})
        print("https://github.com/minimarket/infra/issues/%d" % number)
    else:
        issue = next(i for i in issues if i["number"] == int(args[2]))
        if verb == "edit":
            issue["body"] = body()
        elif verb == "comment":
            issue["comments"].append(body())
        elif verb == "close":
            issue["state"] = "CLOSED"
            if opt("--comment"):
                issue["comments"].append(opt("--comment"))
        else:
            fail("fake gh: unexpected issue %s" % verb, 2)


def ssh_agent(s):
    print("SSH_AUTH_SOCK=/tmp/fake-agent.sock; export SSH_AUTH_SOCK;\nSSH_AGENT_PID=4242; export SSH_AGENT_PID;\necho Agent pid 4242;")


def ssh_add(s):
    # The key arrives on stdin; only that one did is kept.
    s["ssh_keys_added"] = s.get("ssh_keys_added", 0) + (1 if sys.stdin.read().strip() else 0)


log()
state = load()
{"pulumi": pulumi, "docker": docker, "npm": npm, "gh": gh, "ssh-agent": ssh_agent, "ssh-add": ssh_add, "ssh": ssh}[tool](state)
save(state)
