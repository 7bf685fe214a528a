#!/usr/bin/env node
// Runs the example MCP agent; tsx compiles the TypeScript on load, as for the `ants` binary.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
