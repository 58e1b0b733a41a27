// Every image is pinned: what runs is what was reviewed. A container runs the ID of an image the
// program pulled (docker.RemoteImage), whose `name` is the reference; a container may also name a
// reference itself. Prod takes no tag that is moved to newer images.

import { ResourceValidationArgs, ResourceValidationPolicy, ReportViolation } from "@pulumi/policy";
import { isProdStack } from "../facts/endpoints";
import { defaultImages, isPinned, movingTag, parseImageRef } from "../facts/images";
import { CONTAINER, containerView, finding, known, Props, REMOTE_IMAGE, stackOf } from "./resources";

/** An image ID (what docker.RemoteImage's imageId holds): the content itself, pinned by definition. */
const IMAGE_ID = /^sha256:[0-9a-f]+$/;

/**
 * The upstream images in facts/images.ts were checked as exact releases; PostgreSQL numbers its
 * releases major.minor (17.11), which the moving-tag rule cannot tell from a minor line.
 */
const CHECKED_RELEASES: readonly string[] = Object.values(defaultImages);

interface ImageUse {
    reference: string;
    /** Who uses it, for the message. */
    subject: string;
    isProd: boolean;
}

/** The image reference a RemoteImage pulls or a container names, with whether the stack is prod. */
function imageUse(props: Props, args: ResourceValidationArgs): ImageUse | undefined {
    if (args.type === REMOTE_IMAGE) {
        const name = known(() => props.name) as string | undefined;
        return name === undefined ? undefined : { reference: name, subject: `the image \`${name}\``, isProd: isProdStack(undefined, stackOf(args.urn)) };
    }
    // A pulled image's ID is not known while the pull is new in a preview; the pull is checked itself.
    const image = known(() => props.image) as string | undefined;
    if (image === undefined || IMAGE_ID.test(image)) return undefined;
    const view = containerView(props, args.urn);
    return { reference: image, subject: `\`${view.service || args.name}\` runs \`${image}\``, isProd: view.isProd };
}

function forImages(check: (use: ImageUse, report: ReportViolation) => void) {
    const fn = (args: ResourceValidationArgs, report: ReportViolation) => {
        // Stryker disable next-line ConditionalExpression,StringLiteral: for another type imageUse finds no image either; only the engine's not-applicable note differs.
        if (args.type !== REMOTE_IMAGE && args.type !== CONTAINER) return args.notApplicable("Policy only applies to images and containers");
        const use = imageUse(args.props, args);
        if (use) check(use, report);
    };
    return fn;
}

const PIN_FIX =
    "name an exact version tag (`repository:1.4.2`) or a digest (`repository@sha256:…`); for an app, `pulumi config set --path 'services.<name>.image' <reference>`";

/** Malformed or unpinned (`latest`, or no tag): what the first pull decides is not what was reviewed. */
function unpinned(use: ImageUse): string | undefined {
    const ref = parseImageRef(use.reference);
    if (!ref) return `${use.subject}, which is not a valid image reference`;
    return isPinned(ref) ? undefined : `${use.subject}, which is not pinned (\`latest\` or no tag)`;
}

export const imagesPinnedOnProd: ResourceValidationPolicy = {
    name: "images-pinned-on-prod",
    description: "Every image on prod is pinned to an exact version or a digest; no moving tag",
    enforcementLevel: "mandatory",
    validateResource: forImages((use, report) => {
        if (!use.isProd) return;
        const bad = unpinned(use);
        if (bad) {
            report(finding(bad, "a restart or a new host pulls whatever the tag points to then, so prod would run code nobody reviewed", PIN_FIX));
            return;
        }
        const tag = movingTag(parseImageRef(use.reference)!);
        if (tag && !CHECKED_RELEASES.includes(use.reference)) {
            report(
                finding(
                    `${use.subject}, whose tag \`${tag}\` is moved to newer images`,
                    "the same reference can pull a newer image on the next restart, so prod can change without a deploy",
                    PIN_FIX,
                ),
            );
        }
    }),
};

export const imagesPinnedOutsideProd: ResourceValidationPolicy = {
    name: "images-pinned-outside-prod",
    description: "Images on stacks other than prod are pinned too; `allowUnpinnedImages` makes an exception a visible choice",
    // Advisory: the config lets a non-prod stack try an unpinned app image on purpose
    // (`pulumi config set allowUnpinnedImages true`); the comment still shows it.
    enforcementLevel: "advisory",
    validateResource: forImages((use, report) => {
        if (use.isProd) return;
        const bad = unpinned(use);
        if (bad) report(finding(bad, "two deploys of the same commit can run different code, so a test on this stack proves little", PIN_FIX));
    }),
};
