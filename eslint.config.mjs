// ESLint (flat config): typescript-eslint's recommended rules for the whole project, and
// @pulumi/eslint-plugin's two rules, which catch an Output used in a template string (it prints
// "Calling [toString] on an [Output<T>] is not supported" instead of its value; use
// pulumi.interpolate). They need type information, so they run with the project's tsconfig.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
  { ignores: ["node_modules/**", "bin/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { "@pulumi": pulumi },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
      // One screen per function (STYLE.md); a longer one says why in a comment.
      "max-lines-per-function": ["error", { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // Tests are describe() blocks: long by nature.
    files: ["test/**/*.ts"],
    rules: { "max-lines-per-function": "off" },
  },
);
