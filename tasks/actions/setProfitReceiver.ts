export { setProfitReceiver as default } from "./owner.js";
