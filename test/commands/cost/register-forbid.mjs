import {register} from 'node:module'

register('./forbid-aws-sdk.mjs', import.meta.url)
