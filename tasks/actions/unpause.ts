export { unpause as default } from "./owner.js";
