import { render } from "preact";
import { App } from "./App";
import { adoptTokenFromUrl } from "./api";
import "./style.css";

adoptTokenFromUrl();
const root = document.getElementById("app");
if (root !== null) render(<App />, root);
