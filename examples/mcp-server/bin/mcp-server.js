#!/usr/bin/env node
// Starts the example MCP server; tsx compiles the TypeScript on load, as for the `ants` binary.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
