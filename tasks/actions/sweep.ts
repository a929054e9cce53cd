export { sweep as default } from "./owner.js";
