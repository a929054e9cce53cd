export { disallowCurvePool as default } from "./owner.js";
