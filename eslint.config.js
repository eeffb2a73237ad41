import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";
import draftline from "./scripts/eslint/layers.js";

const root = import.meta.dirname;

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "bench/.build/**", ".dl-*", "release/**", "test-results/**", "playwright-report/**", "bench/results/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { draftline },
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "draftline/layers": ["error", { root }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      eqeqeq: ["error", "smart"],
    },
  },
  {
    files: ["renderer/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser } },
  },
);
