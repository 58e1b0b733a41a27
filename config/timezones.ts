// Time zone names the containers resolve. The apps read `TZ` through the image's tzdata
// (/usr/share/zoneinfo), where names are case-sensitive file paths; Node's Intl is more lenient
// (it takes `ART`, which tzdata does not have, and any letter case), so it cannot be the judge.
// The list: every Zone of IANA tzdata 2025b with a Region/City name, as Debian bookworm ships it
// (`grep '^Z' /usr/share/zoneinfo/tzdata.zi`); test/config/timezones.test.ts checks it against
// the installed tzdata. Old names (links such as America/Buenos_Aires) and abbreviations are
// refused with the current name, since newer Debian releases move them to tzdata-legacy.

import { suggestion } from "./fields";

const ZONES: Record<string, string[]> = {
    Africa: [
        "Abidjan Accra Addis_Ababa Algiers Asmara Bamako Bangui Banjul Bissau Blantyre Brazzaville Bujumbura Cairo Casablanca Ceuta Conakry",
        "Dakar Dar_es_Salaam Djibouti Douala El_Aaiun Freetown Gaborone Harare Johannesburg Juba Kampala Khartoum Kigali Kinshasa Lagos",
        "Libreville Lome Luanda Lubumbashi Lusaka Malabo Maputo Maseru Mbabane Mogadishu Monrovia Nairobi Ndjamena Niamey Nouakchott",
        "Ouagadougou Porto-Novo Sao_Tome Tripoli Tunis Windhoek",
    ],
    America: [
        "Adak Anchorage Anguilla Antigua Araguaina Argentina/Buenos_Aires Argentina/Catamarca Argentina/Cordoba Argentina/Jujuy",
        "Argentina/La_Rioja Argentina/Mendoza Argentina/Rio_Gallegos Argentina/Salta Argentina/San_Juan Argentina/San_Luis",
        "Argentina/Tucuman Argentina/Ushuaia Aruba Asuncion Atikokan Bahia Bahia_Banderas Barbados Belem Belize Blanc-Sablon Boa_Vista",
        "Bogota Boise Cambridge_Bay Campo_Grande Cancun Caracas Cayenne Cayman Chicago Chihuahua Ciudad_Juarez Costa_Rica Coyhaique Creston",
        "Cuiaba Curacao Danmarkshavn Dawson Dawson_Creek Denver Detroit Dominica Edmonton Eirunepe El_Salvador Fort_Nelson Fortaleza",
        "Glace_Bay Goose_Bay Grand_Turk Grenada Guadeloupe Guatemala Guayaquil Guyana Halifax Havana Hermosillo Indiana/Indianapolis",
        "Indiana/Knox Indiana/Marengo Indiana/Petersburg Indiana/Tell_City Indiana/Vevay Indiana/Vincennes Indiana/Winamac Inuvik Iqaluit",
        "Jamaica Juneau Kentucky/Louisville Kentucky/Monticello La_Paz Lima Los_Angeles Maceio Managua Manaus Martinique Matamoros Mazatlan",
        "Menominee Merida Metlakatla Mexico_City Miquelon Moncton Monterrey Montevideo Montserrat Nassau New_York Nome Noronha",
        "North_Dakota/Beulah North_Dakota/Center North_Dakota/New_Salem Nuuk Ojinaga Panama Paramaribo Phoenix Port-au-Prince Port_of_Spain",
        "Porto_Velho Puerto_Rico Punta_Arenas Rankin_Inlet Recife Regina Resolute Rio_Branco Santarem Santiago Santo_Domingo Sao_Paulo",
        "Scoresbysund Sitka St_Johns St_Kitts St_Lucia St_Thomas St_Vincent Swift_Current Tegucigalpa Thule Tijuana Toronto Tortola",
        "Vancouver Whitehorse Winnipeg Yakutat",
    ],
    Antarctica: ["Casey Davis DumontDUrville Macquarie Mawson McMurdo Palmer Rothera Syowa Troll Vostok"],
    Asia: [
        "Aden Almaty Amman Anadyr Aqtau Aqtobe Ashgabat Atyrau Baghdad Bahrain Baku Bangkok Barnaul Beirut Bishkek Brunei Chita Colombo",
        "Damascus Dhaka Dili Dubai Dushanbe Famagusta Gaza Hebron Ho_Chi_Minh Hong_Kong Hovd Irkutsk Jakarta Jayapura Jerusalem Kabul",
        "Kamchatka Karachi Kathmandu Khandyga Kolkata Krasnoyarsk Kuala_Lumpur Kuching Kuwait Macau Magadan Makassar Manila Muscat Nicosia",
        "Novokuznetsk Novosibirsk Omsk Oral Phnom_Penh Pontianak Pyongyang Qatar Qostanay Qyzylorda Riyadh Sakhalin Samarkand Seoul",
        "Shanghai Singapore Srednekolymsk Taipei Tashkent Tbilisi Tehran Thimphu Tokyo Tomsk Ulaanbaatar Urumqi Ust-Nera Vientiane",
        "Vladivostok Yakutsk Yangon Yekaterinburg Yerevan",
    ],
    Atlantic: ["Azores Bermuda Canary Cape_Verde Faroe Madeira Reykjavik South_Georgia St_Helena Stanley"],
    Australia: ["Adelaide Brisbane Broken_Hill Darwin Eucla Hobart Lindeman Lord_Howe Melbourne Perth Sydney"],
    Etc: [
        "GMT GMT+1 GMT+10 GMT+11 GMT+12 GMT+2 GMT+3 GMT+4 GMT+5 GMT+6 GMT+7 GMT+8 GMT+9 GMT-1 GMT-10 GMT-11 GMT-12 GMT-13 GMT-14 GMT-2",
        "GMT-3 GMT-4 GMT-5 GMT-6 GMT-7 GMT-8 GMT-9 UTC",
    ],
    Europe: [
        "Amsterdam Andorra Astrakhan Athens Belgrade Berlin Brussels Bucharest Budapest Chisinau Copenhagen Dublin Gibraltar Guernsey",
        "Helsinki Isle_of_Man Istanbul Jersey Kaliningrad Kirov Kyiv Lisbon Ljubljana London Luxembourg Madrid Malta Minsk Monaco Moscow",
        "Oslo Paris Prague Riga Rome Samara Sarajevo Saratov Simferopol Skopje Sofia Stockholm Tallinn Tirane Ulyanovsk Vaduz Vienna",
        "Vilnius Volgograd Warsaw Zagreb Zurich",
    ],
    Indian: ["Antananarivo Chagos Christmas Cocos Comoro Kerguelen Mahe Maldives Mauritius Mayotte Reunion"],
    Pacific: [
        "Apia Auckland Bougainville Chatham Chuuk Easter Efate Fakaofo Fiji Funafuti Galapagos Gambier Guadalcanal Guam Honolulu Kanton",
        "Kiritimati Kosrae Kwajalein Majuro Marquesas Midway Nauru Niue Norfolk Noumea Pago_Pago Palau Pitcairn Pohnpei Port_Moresby",
        "Rarotonga Saipan Tahiti Tarawa Tongatapu Wake Wallis",
    ],
};

/** `UTC` is a link in tzdata, but every image has it and people expect it. */
export const timezones: ReadonlySet<string> = new Set([
    "UTC",
    ...Object.entries(ZONES).flatMap(([area, rows]) => rows.flatMap((r) => r.split(" ").map((c) => `${area}/${c}`))),
]);

/**
 * The current zone an old name (a tzdata link) stands for, as Node's Intl resolves both; the first
 * of the list when several do (`UTC` before `Etc/UTC`). Only reached for a refused name, so no cache.
 */
function currentNameOf(tz: string): string | undefined {
    const resolve = (z: string) => {
        try {
            return new Intl.DateTimeFormat("en-US", { timeZone: z }).resolvedOptions().timeZone;
        } catch {
            // A name Intl does not know either.
        }
        return undefined;
    };
    const id = resolve(tz);
    // Every listed zone resolves (test/config/timezones.test.ts), so an unknown name (undefined) matches none.
    return [...timezones].find((z) => resolve(z) === id);
}

/** Why `tz` is not a zone the containers resolve, or undefined when it is. */
export function timezoneProblem(tz: string): string | undefined {
    if (timezones.has(tz)) return undefined;
    const example = "such as America/Argentina/Buenos_Aires or UTC";
    const sameLetters = [...timezones].find((z) => z.toLowerCase() === tz.toLowerCase());
    if (sameLetters)
        return `${JSON.stringify(tz)} has the wrong letter case: zone names are case-sensitive in the containers; did you mean \`${sameLetters}\`?`;
    // Abbreviations (ART, EST, GMT0) name no zone, or one other than people mean: no guess.
    if (!tz.includes("/")) return `${JSON.stringify(tz)} is an abbreviation or an old name, not a zone name; use a Region/City name ${example}`;
    const current = currentNameOf(tz);
    if (current) return `${JSON.stringify(tz)} is an old name; use \`${current}\``;
    return `unknown IANA time zone ${JSON.stringify(tz)}; use a Region/City name ${example}${suggestion(tz, [...timezones])}`;
}
