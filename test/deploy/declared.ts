// The declared resources of a mocked program run, in the plain form the deploy figures read.
import { DeclaredResource } from "../../renderers/rollout/figures";
import { dependenciesOf, isSecretWrapper, ProgramRun, unwrap } from "../support/program";

export function declaredResources(run: ProgramRun): DeclaredResource[] {
    return run.resources.map((r) => ({
        type: r.type,
        name: r.name,
        inputs: unwrap(r.inputs) as Record<string, unknown>,
        deleteBeforeReplace: r.options.deleteBeforeReplaceDefined ? r.options.deleteBeforeReplace : undefined,
        secretEnv: isSecretWrapper(r.inputs.envs),
        dependsOn: dependenciesOf(run, r),
    }));
}
