export { proposeOwner as default } from "./owner.js";
