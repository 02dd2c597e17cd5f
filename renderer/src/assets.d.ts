/** Stylesheets are bundled by esbuild into app.css; importing one only has side effects. */
declare module '*.css';
