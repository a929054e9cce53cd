export { pause as default } from "./owner.js";
