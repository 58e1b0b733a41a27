// Entry point of the MiniMarket Pulumi program: validate the stack config first (nothing is
// declared if it is invalid), then declare the stack for its platform.
import { loadStackConfig } from "./config/load";
import { deploy } from "./stacks";

export = () => deploy(loadStackConfig());
