export { allowCurvePool as default } from "./owner.js";
