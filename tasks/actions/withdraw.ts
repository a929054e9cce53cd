export { withdraw as default } from "./owner.js";
