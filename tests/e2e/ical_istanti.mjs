// Reads an iCalendar file on stdin with ical.js (Mozilla's parser, the one of Thunderbird) and prints
// {uid: [start, end]} as UTC ISO instants: tests/eventi/test_ical.py compares them with the Python parsers.
import ICAL from "ical.js";

let testo = "";
for await (const pezzo of process.stdin) testo += pezzo;
const calendario = new ICAL.Component(ICAL.parse(testo));
for (const fuso of calendario.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(fuso));
}
const istanti = {};
for (const componente of calendario.getAllSubcomponents("vevent")) {
  const evento = new ICAL.Event(componente);
  istanti[evento.uid] = [evento.startDate.toJSDate().toISOString(), evento.endDate.toJSDate().toISOString()];
}
process.stdout.write(JSON.stringify({ eventi: istanti, nome: calendario.getFirstPropertyValue("x-wr-calname") }));
