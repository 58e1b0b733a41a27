// Entry point of the MiniMarket Pulumi program: validate the stack config first (nothing is
// declared if it is invalid), then declare the stack for its platform.
//
// A config problem is thrown as a pulumi.RunError: the Node.js language host prints a RunError's
// message alone, once, without a stack trace (@pulumi/pulumi 3.248.0 cmd/run/run.js, the
// uncaughtHandler: "Always hide the stack for RunErrors"), and the run exits non-zero before any
// resource is declared. Any other error keeps its trace: that one is a bug to find.
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./config/parse";
import { loadStackConfig } from "./config/load";
import { deploy } from "./stacks";

export = () => {
    try {
        return deploy(loadStackConfig());
    } catch (e) {
        if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
        throw e;
    }
};
