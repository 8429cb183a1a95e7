// uPlot's own ES module, copied beside the compiled dashboard by tools/build.mjs (served by us, no CDN);
// its types are the package's.
import uPlot from 'uplot';
export default uPlot;
