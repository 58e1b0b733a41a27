/**
 * Stand-in `pulumi` and `docker` executables for running the smoke CLI here. The fake docker
 * emulates `docker run --rm --network N [-e NAME] --entrypoint E IMAGE ARGS`: it runs the command
 * on this machine with only the variables named by -e, and a fake busybox `wget` that resolves
 * the stack's service-network names (prometheus:9090, …) to local addresses, as Docker's DNS would.
 * Every call is recorded (JSON lines) with the DOCKER_HOST it saw.
 */
import * as fs from "fs";
import * as path from "path";

const FAKE_DOCKER = `
import json, os, shutil, sys
args = sys.argv[1:]
with open(os.environ["FAKE_DOCKER_LOG"], "a") as f:
    f.write(json.dumps({"args": args, "DOCKER_HOST": os.environ.get("DOCKER_HOST", "")}) + "\\n")
if not args or args[0] != "run":
    sys.stderr.write("fake docker: only run is emulated\\n"); sys.exit(2)
i, network, names, entrypoint = 1, None, [], None
while i < len(args) and args[i].startswith("-"):
    a = args[i]
    if a == "--rm": i += 1
    elif a == "--network": network = args[i + 1]; i += 2
    elif a == "-e": names.append(args[i + 1]); i += 2
    elif a == "--entrypoint": entrypoint = args[i + 1]; i += 2
    else: sys.stderr.write("fake docker: unknown flag %s\\n" % a); sys.exit(125)
image, rest = args[i], args[i + 1:]
if image != os.environ["FAKE_DOCKER_IMAGE"]:
    sys.stderr.write("docker: Unable to find image '%s' locally\\n" % image); sys.exit(125)
if network == "host": hosts = None
elif network == os.environ["FAKE_DOCKER_NETWORK"]: hosts = json.loads(os.environ["FAKE_DOCKER_HOSTS"])
else: sys.stderr.write("docker: Error response from daemon: network %s not found.\\n" % network); sys.exit(125)
env = {"PATH": os.environ["FAKE_CONTAINER_PATH"], "FAKE_HOSTS": json.dumps(hosts)}
for n in names:
    if n in os.environ: env[n] = os.environ[n]
cmd = ([entrypoint] if entrypoint else []) + rest
os.execve(shutil.which(cmd[0], path=env["PATH"]), cmd, env)
`;

const FAKE_WGET = `
import json, os, sys, urllib.error, urllib.parse, urllib.request
args, headers, timeout, url, out, i = sys.argv[1:], {}, 10.0, None, None, 0
while i < len(args):
    a = args[i]
    if a == "-q": i += 1
    elif a == "-O": out = args[i + 1]; i += 2
    elif a == "-T": timeout = float(args[i + 1]); i += 2
    elif a == "--header":
        k, v = args[i + 1].split(":", 1); headers[k.strip()] = v.strip(); i += 2
    elif a.startswith("-"): sys.stderr.write("wget: unrecognized option '%s'\\n" % a); sys.exit(1)
    else: url = a; i += 1
if out != "-": sys.stderr.write("fake wget: expected -O -\\n"); sys.exit(1)
hosts = json.loads(os.environ["FAKE_HOSTS"])
p = urllib.parse.urlsplit(url)
netloc = p.netloc
if hosts is not None:
    if netloc not in hosts: sys.stderr.write("wget: bad address '%s'\\n" % netloc); sys.exit(1)
    netloc = hosts[netloc]
target = urllib.parse.urlunsplit((p.scheme, netloc, p.path, p.query, ""))
try:
    with urllib.request.urlopen(urllib.request.Request(target, headers=headers), timeout=timeout) as r:
        sys.stdout.buffer.write(r.read())
except urllib.error.HTTPError as e:
    sys.stderr.write("wget: server returned error: HTTP/1.1 %d %s\\n" % (e.code, e.reason)); sys.exit(1)
except Exception:
    sys.stderr.write("wget: can't connect to remote host: Connection refused\\n"); sys.exit(1)
`;

const FAKE_PULUMI = `#!/bin/sh
echo "pulumi $*" >> "$FAKE_PULUMI_LOG"
case "$*" in
    "stack output --stack $FAKE_STACK --json --show-secrets") cat "$FAKE_PULUMI_OUTPUTS" ;;
    "config get dockerHost --stack $FAKE_STACK")
        if [ -n "\${FAKE_DOCKER_HOST_CONFIG:-}" ]; then echo "$FAKE_DOCKER_HOST_CONFIG"; exit 0; fi
        echo "error: configuration key 'minimarket:dockerHost' not found for stack '$FAKE_STACK'" >&2; exit 255 ;;
    *) echo "error: no stack named '$FAKE_STACK' found" >&2; exit 255 ;;
esac
`;

export interface FakeClis {
    /** Directory to put first on PATH. */
    bin: string;
    env: Record<string, string>;
    dockerCalls(): Array<{ args: string[]; DOCKER_HOST: string }>;
    pulumiCalls(): string[];
    setOutputs(outputs: unknown): void;
}

export function installFakeClis(
    dir: string,
    python3: string,
    stack: { name: string; network: string; image: string; hosts: Record<string, string> },
): FakeClis {
    const bin = path.join(dir, "bin");
    const container = path.join(dir, "container-bin");
    fs.mkdirSync(bin, { recursive: true });
    fs.mkdirSync(container, { recursive: true });
    fs.writeFileSync(path.join(bin, "docker"), `#!${python3}\n${FAKE_DOCKER}`, { mode: 0o755 });
    fs.writeFileSync(path.join(bin, "pulumi"), FAKE_PULUMI, { mode: 0o755 });
    fs.writeFileSync(path.join(container, "wget"), `#!${python3}\n${FAKE_WGET}`, { mode: 0o755 });
    const dockerLog = path.join(dir, "docker.log");
    const pulumiLog = path.join(dir, "pulumi.log");
    const outputs = path.join(dir, "outputs.json");
    const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, "utf8").split("\n").filter(Boolean) : []);
    return {
        bin,
        env: {
            FAKE_DOCKER_LOG: dockerLog,
            FAKE_PULUMI_LOG: pulumiLog,
            FAKE_PULUMI_OUTPUTS: outputs,
            FAKE_STACK: stack.name,
            FAKE_DOCKER_NETWORK: stack.network,
            FAKE_DOCKER_IMAGE: stack.image,
            FAKE_DOCKER_HOSTS: JSON.stringify(stack.hosts),
            FAKE_CONTAINER_PATH: `${container}:/bin:/usr/bin`,
        },
        dockerCalls: () => read(dockerLog).map((l) => JSON.parse(l)),
        pulumiCalls: () => read(pulumiLog),
        setOutputs: (o) => fs.writeFileSync(outputs, JSON.stringify(o), { mode: 0o600 }),
    };
}
