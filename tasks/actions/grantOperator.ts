export { grantOperator as default } from "./owner.js";
