// The `yo office` layout: the task pane is built into dist/addin/ and served under /addin/.
const path = require("node:path");
const HtmlWebpackPlugin = require("html-webpack-plugin");
const CopyWebpackPlugin = require("copy-webpack-plugin");

const PORT = Number(process.env.PORT ?? 3000);
const POLYFILLS = "./src/polyfills/es2017.ts";
const SWC_LOADER = path.resolve(__dirname, "scripts", "swc-loader.js");

module.exports = (_env, argv) => {
  const dev = argv.mode !== "production";
  return {
    // No source maps in production: they would publish our sources and build paths.
    devtool: dev ? "eval-source-map" : false,
    // Every page loads the polyfills first (src/polyfills/es2017.ts). The WPS 表格 add-in's
    // scripts keep fixed names under wps/: its index.html and ribbon.xml are static files.
    // The harness (the task pane beside an emulated workbook) is built in development and tests only:
    // it bundles the test host and HyperFormula, which never ship.
    entry: {
      taskpane: [POLYFILLS, "./src/taskpane/index.tsx"],
      web: [POLYFILLS, "./src/web/index.tsx"],
      "wps/main": "./src/wps/shell/main.ts",
      "wps/probe": [POLYFILLS, "./src/wps/probe/index.ts"],
      ...(dev ? { harness: "./test/harness/index.tsx" } : {}),
    },
    // webpack's own runtime code is written for the same browsers as ours (see scripts/swc-loader.js).
    target: ["web", "es2017"],
    output: {
      path: path.resolve(__dirname, "dist", "addin"),
      publicPath: "/addin/",
      // Named only because `filename` below is a function (webpack would then drop the hash here).
      chunkFilename: "[name].[contenthash:8].js",
      filename: (data) =>
        data.chunk && String(data.chunk.name).startsWith("wps/")
          ? "[name].js"
          : "[name].[contenthash:8].js",
      clean: true,
    },
    resolve: { extensions: [".ts", ".tsx", ".js", ".json"] },
    module: {
      rules: [
        // Ours and the packages' code alike are compiled to ES2017 (types are checked by tsc, not here).
        { test: /\.tsx?$/, exclude: /node_modules/, use: SWC_LOADER },
        { test: /\.[cm]?js$/, include: /node_modules/, use: SWC_LOADER },
      ],
    },
    plugins: [
      new HtmlWebpackPlugin({
        filename: "taskpane.html",
        template: "./src/taskpane/taskpane.html",
        chunks: ["taskpane"],
      }),
      new HtmlWebpackPlugin({
        filename: "web.html",
        template: "./src/web/web.html",
        chunks: ["web"],
      }),
      new HtmlWebpackPlugin({
        filename: "help.html",
        template: "./src/taskpane/help.html",
        chunks: [],
      }),
      ...(dev
        ? [
            new HtmlWebpackPlugin({
              filename: "harness.html",
              template: "./test/harness/harness.html",
              chunks: ["harness"],
            }),
          ]
        : []),
      new CopyWebpackPlugin({
        patterns: [
          { from: "assets", to: "assets" },
          ...["ribbon.xml", "index.html", "probe.html", "images"].map((f) => ({
            from: `src/wps/shell/${f}`,
            to: `wps/${f}`,
          })),
          { from: "assets/icon-64.png", to: "wps/images/pane.png" },
        ],
      }),
    ],
    performance: { hints: false },
    devServer: {
      port: PORT,
      server: "https",
      static: false,
      devMiddleware: { publicPath: "/addin/" },
      headers: { "Access-Control-Allow-Origin": "*" },
      client: { overlay: { warnings: false } },
      historyApiFallback: false,
      onListening: () => {
        console.log(
          [
            "",
            `填报 task pane: https://localhost:${PORT}/addin/taskpane.html`,
            "Sideload in Excel: Home > Add-ins > More add-ins > My add-ins > Upload my add-in > manifest.xml",
            "  (Excel on the web: Insert > Add-ins > Upload my add-in; Windows: a shared-folder catalog, see README).",
            "The development certificate is self-signed: open the URL above once in a browser and trust it.",
            "",
          ].join("\n")
        );
      },
    },
  };
};
