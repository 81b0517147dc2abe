/**
 * Country and territory names → ISO 3166-1 alpha-2. Okta's `client.geographicalContext.country` is a
 * full English name ("United States", "South Korea", "Czechia"); other vendors use codes. The table
 * holds the ISO short names, the GeoNames/MaxMind names vendors show, and common alternatives.
 * Lookups are case-insensitive (the store keeps the names lower-cased).
 */
export const COUNTRY_ISO2: Record<string, string> = {
  Afghanistan: 'AF', 'Åland Islands': 'AX', 'Aland Islands': 'AX', Albania: 'AL', Algeria: 'DZ', 'American Samoa': 'AS',
  Andorra: 'AD', Angola: 'AO', Anguilla: 'AI', Antarctica: 'AQ', 'Antigua and Barbuda': 'AG', 'Antigua & Barbuda': 'AG',
  Argentina: 'AR', Armenia: 'AM', Aruba: 'AW', Australia: 'AU', Austria: 'AT', Azerbaijan: 'AZ', Bahamas: 'BS',
  'The Bahamas': 'BS', Bahrain: 'BH', Bangladesh: 'BD', Barbados: 'BB', Belarus: 'BY', Belgium: 'BE', Belize: 'BZ',
  Benin: 'BJ', Bermuda: 'BM', Bhutan: 'BT', Bolivia: 'BO', 'Bolivia, Plurinational State of': 'BO',
  'Plurinational State of Bolivia': 'BO', 'Bonaire, Sint Eustatius, and Saba': 'BQ', 'Bonaire, Sint Eustatius and Saba': 'BQ',
  'Caribbean Netherlands': 'BQ', Bonaire: 'BQ', 'Bosnia and Herzegovina': 'BA', 'Bosnia & Herzegovina': 'BA', Botswana: 'BW',
  'Bouvet Island': 'BV', Brazil: 'BR', 'British Indian Ocean Territory': 'IO', 'British Virgin Islands': 'VG',
  'Virgin Islands, British': 'VG', Brunei: 'BN', 'Brunei Darussalam': 'BN', Bulgaria: 'BG', 'Burkina Faso': 'BF',
  Burundi: 'BI', 'Cabo Verde': 'CV', 'Cape Verde': 'CV', Cambodia: 'KH', Cameroon: 'CM', Canada: 'CA',
  'Cayman Islands': 'KY', 'Central African Republic': 'CF', Chad: 'TD', Chile: 'CL', China: 'CN',
  "People's Republic of China": 'CN', 'Christmas Island': 'CX', 'Cocos (Keeling) Islands': 'CC', 'Cocos Islands': 'CC',
  Colombia: 'CO', Comoros: 'KM', Congo: 'CG', 'Republic of the Congo': 'CG', 'Congo Republic': 'CG', 'Congo-Brazzaville': 'CG',
  'Congo (Brazzaville)': 'CG', 'Democratic Republic of the Congo': 'CD', 'DR Congo': 'CD', 'Congo, The Democratic Republic of the': 'CD',
  'Congo, Democratic Republic of the': 'CD', 'Congo (Kinshasa)': 'CD', 'Congo-Kinshasa': 'CD', 'Cook Islands': 'CK',
  'Costa Rica': 'CR', "Côte d'Ivoire": 'CI', "Cote d'Ivoire": 'CI', 'Ivory Coast': 'CI', Croatia: 'HR', Cuba: 'CU',
  'Curaçao': 'CW', Curacao: 'CW', Cyprus: 'CY', Czechia: 'CZ', 'Czech Republic': 'CZ', Denmark: 'DK', Djibouti: 'DJ',
  Dominica: 'DM', 'Dominican Republic': 'DO', Ecuador: 'EC', Egypt: 'EG', 'El Salvador': 'SV', 'Equatorial Guinea': 'GQ',
  Eritrea: 'ER', Estonia: 'EE', Eswatini: 'SZ', Swaziland: 'SZ', Ethiopia: 'ET', 'Falkland Islands': 'FK',
  'Falkland Islands (Malvinas)': 'FK', 'Faroe Islands': 'FO', Fiji: 'FJ', Finland: 'FI', France: 'FR', 'French Guiana': 'GF',
  'French Polynesia': 'PF', 'French Southern Territories': 'TF', Gabon: 'GA', Gambia: 'GM', 'The Gambia': 'GM',
  Georgia: 'GE', Germany: 'DE', Ghana: 'GH', Gibraltar: 'GI', Greece: 'GR', Greenland: 'GL', Grenada: 'GD',
  Guadeloupe: 'GP', Guam: 'GU', Guatemala: 'GT', Guernsey: 'GG', Guinea: 'GN', 'Guinea-Bissau': 'GW', Guyana: 'GY',
  Haiti: 'HT', 'Heard Island and McDonald Islands': 'HM', 'Holy See': 'VA', 'Vatican City': 'VA', Vatican: 'VA',
  Honduras: 'HN', 'Hong Kong': 'HK', 'Hong Kong SAR': 'HK', Hungary: 'HU', Iceland: 'IS', India: 'IN', Indonesia: 'ID',
  Iran: 'IR', 'Iran, Islamic Republic of': 'IR', 'Islamic Republic of Iran': 'IR', Iraq: 'IQ', Ireland: 'IE',
  'Isle of Man': 'IM', Israel: 'IL', Italy: 'IT', Jamaica: 'JM', Japan: 'JP', Jersey: 'JE', Jordan: 'JO',
  Kazakhstan: 'KZ', Kenya: 'KE', Kiribati: 'KI', 'North Korea': 'KP', "Korea, Democratic People's Republic of": 'KP',
  "Democratic People's Republic of Korea": 'KP', 'South Korea': 'KR', 'Korea, Republic of': 'KR', 'Republic of Korea': 'KR',
  Korea: 'KR', Kosovo: 'XK', Kuwait: 'KW', Kyrgyzstan: 'KG', Laos: 'LA', "Lao People's Democratic Republic": 'LA',
  Latvia: 'LV', Lebanon: 'LB', Lesotho: 'LS', Liberia: 'LR', Libya: 'LY', Liechtenstein: 'LI', Lithuania: 'LT',
  Luxembourg: 'LU', Macao: 'MO', Macau: 'MO', 'Macao SAR': 'MO', Madagascar: 'MG', Malawi: 'MW', Malaysia: 'MY',
  Maldives: 'MV', Mali: 'ML', Malta: 'MT', 'Marshall Islands': 'MH', Martinique: 'MQ', Mauritania: 'MR', Mauritius: 'MU',
  Mayotte: 'YT', Mexico: 'MX', Micronesia: 'FM', 'Federated States of Micronesia': 'FM', 'Micronesia, Federated States of': 'FM',
  Moldova: 'MD', 'Republic of Moldova': 'MD', 'Moldova, Republic of': 'MD', Monaco: 'MC', Mongolia: 'MN', Montenegro: 'ME',
  Montserrat: 'MS', Morocco: 'MA', Mozambique: 'MZ', Myanmar: 'MM', Burma: 'MM', 'Myanmar (Burma)': 'MM', Namibia: 'NA',
  Nauru: 'NR', Nepal: 'NP', Netherlands: 'NL', 'The Netherlands': 'NL', 'Kingdom of the Netherlands': 'NL',
  'New Caledonia': 'NC', 'New Zealand': 'NZ', Nicaragua: 'NI', Niger: 'NE', Nigeria: 'NG', Niue: 'NU',
  'Norfolk Island': 'NF', 'North Macedonia': 'MK', Macedonia: 'MK', 'Republic of North Macedonia': 'MK',
  'Macedonia, the Former Yugoslav Republic of': 'MK', 'Northern Mariana Islands': 'MP', Norway: 'NO', Oman: 'OM',
  Pakistan: 'PK', Palau: 'PW', Palestine: 'PS', 'Palestine, State of': 'PS', 'State of Palestine': 'PS',
  'Palestinian Territory': 'PS', 'Palestinian Territories': 'PS', Panama: 'PA', 'Papua New Guinea': 'PG', Paraguay: 'PY',
  Peru: 'PE', Philippines: 'PH', 'The Philippines': 'PH', Pitcairn: 'PN', 'Pitcairn Islands': 'PN', Poland: 'PL',
  Portugal: 'PT', 'Puerto Rico': 'PR', Qatar: 'QA', 'Réunion': 'RE', Reunion: 'RE', Romania: 'RO', Russia: 'RU',
  'Russian Federation': 'RU', Rwanda: 'RW', 'Saint Barthélemy': 'BL', 'Saint Barthelemy': 'BL', 'St Barthélemy': 'BL',
  'Saint Helena': 'SH', 'Saint Helena, Ascension and Tristan da Cunha': 'SH', 'Saint Kitts and Nevis': 'KN',
  'St Kitts and Nevis': 'KN', 'Saint Lucia': 'LC', 'St Lucia': 'LC', 'Saint Martin': 'MF', 'Saint Martin (French part)': 'MF',
  'Saint Pierre and Miquelon': 'PM', 'Saint Vincent and the Grenadines': 'VC', 'St Vincent and Grenadines': 'VC',
  Samoa: 'WS', 'San Marino': 'SM', 'Sao Tome and Principe': 'ST', 'São Tomé and Príncipe': 'ST', 'Saudi Arabia': 'SA',
  Senegal: 'SN', Serbia: 'RS', Seychelles: 'SC', 'Sierra Leone': 'SL', Singapore: 'SG', 'Sint Maarten': 'SX',
  'Sint Maarten (Dutch part)': 'SX', Slovakia: 'SK', 'Slovak Republic': 'SK', Slovenia: 'SI', 'Solomon Islands': 'SB',
  Somalia: 'SO', 'South Africa': 'ZA', 'South Georgia and the South Sandwich Islands': 'GS', 'South Sudan': 'SS',
  Spain: 'ES', 'Sri Lanka': 'LK', Sudan: 'SD', Suriname: 'SR', 'Svalbard and Jan Mayen': 'SJ', Sweden: 'SE',
  Switzerland: 'CH', Syria: 'SY', 'Syrian Arab Republic': 'SY', Taiwan: 'TW', 'Taiwan, Province of China': 'TW',
  Tajikistan: 'TJ', Tanzania: 'TZ', 'Tanzania, United Republic of': 'TZ', 'United Republic of Tanzania': 'TZ',
  Thailand: 'TH', 'Timor-Leste': 'TL', 'East Timor': 'TL', Togo: 'TG', Tokelau: 'TK', Tonga: 'TO',
  'Trinidad and Tobago': 'TT', 'Trinidad & Tobago': 'TT', Tunisia: 'TN', Turkey: 'TR', 'Türkiye': 'TR', Turkiye: 'TR',
  Turkmenistan: 'TM', 'Turks and Caicos Islands': 'TC', Tuvalu: 'TV', Uganda: 'UG', Ukraine: 'UA',
  'United Arab Emirates': 'AE', UAE: 'AE', 'United Kingdom': 'GB', 'United Kingdom of Great Britain and Northern Ireland': 'GB',
  'Great Britain': 'GB', UK: 'GB', England: 'GB', Scotland: 'GB', Wales: 'GB', 'Northern Ireland': 'GB',
  'United States': 'US', 'United States of America': 'US', USA: 'US', 'U.S.A.': 'US', America: 'US',
  'United States Minor Outlying Islands': 'UM', 'U.S. Outlying Islands': 'UM', 'U.S. Virgin Islands': 'VI',
  'Virgin Islands, U.S.': 'VI', 'US Virgin Islands': 'VI', Uruguay: 'UY', Uzbekistan: 'UZ', Vanuatu: 'VU',
  Venezuela: 'VE', 'Venezuela, Bolivarian Republic of': 'VE', 'Bolivarian Republic of Venezuela': 'VE', Vietnam: 'VN',
  'Viet Nam': 'VN', 'Wallis and Futuna': 'WF', 'Western Sahara': 'EH', Yemen: 'YE', Zambia: 'ZM', Zimbabwe: 'ZW',
  Europe: 'EU', 'European Union': 'EU',
};

/** ISO alpha-2 for a country name or code (case-insensitive); null when unknown. */
export function countryIso2(nameOrCode: string | null | undefined): string | null {
  if (!nameOrCode) return null;
  const v = nameOrCode.trim();
  if (/^[A-Za-z]{2}$/.test(v)) return v.toUpperCase();
  return LOWER.get(v.toLowerCase()) ?? null;
}

const LOWER = new Map(Object.entries(COUNTRY_ISO2).map(([k, v]) => [k.toLowerCase(), v]));
