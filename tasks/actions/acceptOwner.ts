export { acceptOwner as default } from "./owner.js";
